/**
 * Uploaded images (./storage.ts): the type is read from the bytes; the disk adapter writes and serves
 * only keys it makes; the S3 adapter sends the exact PutObject a bucket expects (checked by a local stand-in
 * of the S3 API: path, body, type, cache header and a SigV4 signature), through the real
 * `@aws-sdk/client-s3`; and `POST /api/uploads` takes a business owner's photo and refuses everything else.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { S3Client } from "@aws-sdk/client-s3";

const session = vi.hoisted(() => ({ user: null as null | { id: string; role: string } }));
vi.mock("@/server/auth", () => ({ currentUser: async () => session.user }));

import { db } from "@/server/db";
import { createBusiness, createUser } from "@/prisma/factory";
import { diskStorage, isStorageKey, MAX_IMAGE_BYTES, s3Storage, sniffImage, storeImage } from "./storage";
import { POST as upload } from "@/app/api/uploads/route";
import { GET as serve } from "@/app/uploads/[...key]/route";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
const WEBP = new Uint8Array([0x52, 0x49, 0x46, 0x46, 8, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50]);

describe("images", () => {
  it("are told apart by their bytes, not their names", () => {
    expect([sniffImage(PNG), sniffImage(JPEG), sniffImage(WEBP)]).toEqual(["png", "jpg", "webp"]);
    for (const text of ["<svg xmlns='http://www.w3.org/2000/svg'/>", "<html><script>alert(1)</script>", "GIF89a"]) {
      expect(sniffImage(new TextEncoder().encode(text))).toBeNull();
    }
    expect(isStorageKey("listings/5c4b3a29-1807-4f6e-9d5c-4b3a29180716.png")).toBe(true);
    for (const bad of ["../etc/passwd", "listings/../../x.png", "listings/abc.png", "listings/5c4b3a29-1807-4f6e-9d5c-4b3a29180716.svg"]) expect(isStorageKey(bad)).toBe(false);
  });

  it("on disk: stored under a new key, read back, never outside the directory", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "herald-disk-"));
    const disk = diskStorage(dir, "http://localhost:3000/");
    const { key, url } = await storeImage("listings", PNG, "png", disk);
    expect(key).toMatch(/^listings\/[0-9a-f-]{36}\.png$/);
    expect(url).toBe(`http://localhost:3000/uploads/${key}`);
    expect(new Uint8Array(await readFile(path.join(dir, key)))).toEqual(PNG);
    expect(await disk.read(key)).toEqual(PNG);
    expect(await disk.read("../../etc/passwd")).toBeNull();
    await expect(disk.put("../escape.png", PNG, "image/png")).rejects.toThrow(/not a storage key/);
  });
});

describe("an S3-compatible bucket", () => {
  const requests: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const stub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.setHeader("etag", '"abc"');
      res.end();
    });
  });
  let endpoint: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => void stub.close());

  it("gets one signed PutObject with the bytes, type and cache header; readers use the public URL", async () => {
    const client = new S3Client({
      region: "af-south-1",
      endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      credentials: { accessKeyId: "AKIDHERALDTEST", secretAccessKey: "secret-for-tests" },
    });
    const s3 = s3Storage(client, "herald-uploads", "https://cdn.herald.example/");
    const { key, url } = await storeImage("listings", JPEG, "jpg", s3);
    expect(url).toBe(`https://cdn.herald.example/${key}`);
    expect(requests).toHaveLength(1);
    const [put] = requests;
    expect([put!.method, put!.url]).toEqual(["PUT", `/herald-uploads/${key}?x-id=PutObject`]);
    expect(new Uint8Array(put!.body)).toEqual(JPEG);
    expect(put!.headers["content-type"]).toBe("image/jpeg");
    expect(put!.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(put!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDHERALDTEST\/\d{8}\/af-south-1\/s3\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/);
    expect(await s3.read(key)).toBeNull(); // the bucket serves its objects, not the app
  });
});

describe("POST /api/uploads", () => {
  const post = (body: BodyInit | null, headers: Record<string, string> = { "sec-fetch-site": "same-origin" }) =>
    upload(new Request("http://localhost:3000/api/uploads", { method: "POST", body, headers }));
  const form = (bytes: Uint8Array, name = "photo.png") => {
    const f = new FormData();
    f.set("file", new File([Buffer.from(bytes)], name, { type: "image/png" }));
    return f;
  };

  it("stores a business owner's photo and serves it back with safe headers", async () => {
    const { owner } = await createBusiness(db);
    session.user = { id: owner.id, role: "BUSINESS" };
    try {
      const res = await post(form(PNG));
      expect(res.status).toBe(201);
      const { key, url } = (await res.json()) as { key: string; url: string };
      expect(url).toMatch(new RegExp(`/uploads/${key}$`));
      const got = await serve(new Request(url), { params: Promise.resolve({ key: key.split("/") }) });
      expect(got.status).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(PNG);
      expect(got.headers.get("content-type")).toBe("image/png");
      expect(got.headers.get("x-content-type-options")).toBe("nosniff");
      expect(got.headers.get("content-security-policy")).toContain("default-src 'none'");
      const missing = await serve(new Request("http://localhost:3000/uploads/x"), { params: Promise.resolve({ key: ["..", "..", "etc", "passwd"] }) });
      expect(missing.status).toBe(404);
    } finally {
      session.user = null;
    }
  });

  it("refuses strangers, customers, cross-site posts, non-images and files over 5 MB", async () => {
    expect((await post(form(PNG))).status).toBe(401);
    const customer = await createUser(db);
    session.user = { id: customer.id, role: "CUSTOMER" };
    expect((await post(form(PNG))).status).toBe(403);
    const { owner } = await createBusiness(db);
    session.user = { id: owner.id, role: "BUSINESS" };
    try {
      expect((await post(form(PNG), { "sec-fetch-site": "cross-site" })).status).toBe(403);
      const svg = await post(form(new TextEncoder().encode("<svg onload='alert(1)'/>"), "photo.png"));
      expect(svg.status).toBe(400);
      expect(await svg.json()).toMatchObject({ error: { code: "VALIDATION_ERROR", message: "The photo must be a JPEG, PNG or WebP image" } });
      const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
      big.set(PNG);
      expect((await post(form(big))).status).toBe(413);
      expect((await post(null)).status).toBe(400);
    } finally {
      session.user = null;
    }
  });
});
