/**
 * Client address (issue 12 "Client address"): the socket address by default; X-Forwarded-For only as far as
 * HERALD_TRUSTED_PROXIES says, taking the n-th entry from the right; spoofed entries never pick the bucket.
 */
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientAddress, installSocketAddressStamp, normalizeAddress, SOCKET_ADDRESS_HEADER, stampedSocketAddress, withSocketAddress } from "./client-address";
import { env } from "../../env";

const SOCKET = "203.0.113.7";
const h = (init: Record<string, string>, socket: string | null = SOCKET) => (socket ? withSocketAddress(init, socket) : new Headers(init));

describe("clientAddress", () => {
  it("defaults to no trusted proxy (HERALD_TRUSTED_PROXIES=0)", () => {
    expect(env("network").HERALD_TRUSTED_PROXIES).toBe(0);
  });

  it("with 0 proxies takes the socket address and ignores a spoofed X-Forwarded-For / X-Real-IP", () => {
    expect(clientAddress(h({ "x-forwarded-for": "1.1.1.1" }), undefined, 0)).toBe(SOCKET);
    expect(clientAddress(h({ "x-forwarded-for": "1.1.1.1, 2.2.2.2", "x-real-ip": "3.3.3.3" }), undefined, 0)).toBe(SOCKET);
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.1.1.1" }), "198.51.100.9", 0)).toBe("198.51.100.9");
    // Without the socket address the header is still not believed: everyone unknown shares one bucket.
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.1.1.1" }), undefined, 0)).toBe("unknown");
    expect(clientAddress(new Request("http://localhost/", { headers: { "x-forwarded-for": "1.1.1.1" } }))).toBe("unknown");
  });

  it("with 1 proxy takes the rightmost X-Forwarded-For entry (what the proxy appended), not the client's", () => {
    expect(clientAddress(h({ "x-forwarded-for": "198.51.100.20" }), undefined, 1)).toBe("198.51.100.20");
    // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the real peer.
    expect(clientAddress(h({ "x-forwarded-for": "1.1.1.1, 198.51.100.20" }), undefined, 1)).toBe("198.51.100.20");
    expect(clientAddress(h({ "x-forwarded-for": "1.1.1.1, 6.6.6.6, 198.51.100.20" }), undefined, 1)).toBe("198.51.100.20");
    // Repeated headers count as one list, in order.
    const repeated = withSocketAddress(undefined, SOCKET);
    repeated.append("x-forwarded-for", "1.1.1.1");
    repeated.append("x-forwarded-for", "198.51.100.20");
    expect(clientAddress(repeated, undefined, 1)).toBe("198.51.100.20");
  });

  it("with 2 proxies takes the second entry from the right", () => {
    // client → CDN (appends client) → load balancer (appends the CDN's address) → Herald
    expect(clientAddress(h({ "x-forwarded-for": "198.51.100.20, 192.0.2.1" }), undefined, 2)).toBe("198.51.100.20");
    expect(clientAddress(h({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 198.51.100.20, 192.0.2.1" }), undefined, 2)).toBe("198.51.100.20");
    // Fewer entries than proxies: the leftmost (the farthest hop seen).
    expect(clientAddress(h({ "x-forwarded-for": "198.51.100.20" }), undefined, 2)).toBe("198.51.100.20");
    // No header at all (Next fills one with the socket address when the client sent none): the socket.
    expect(clientAddress(h({}), undefined, 2)).toBe(SOCKET);
  });

  it("a hop that is not an IP address is unknown, never a bucket of the client's choosing", () => {
    expect(clientAddress(h({ "x-forwarded-for": "1.1.1.1, not-an-ip" }), undefined, 1)).toBe("unknown");
    expect(clientAddress(h({ "x-forwarded-for": "a".repeat(500) }), undefined, 1)).toBe("unknown");
  });

  it("normalizes IPv4-mapped IPv6, ports, brackets and case", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("198.51.100.20:5678")).toBe("198.51.100.20");
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(normalizeAddress("unknown")).toBeNull();
  });

  it("accepts a stamp only with this process's secret", () => {
    expect(stampedSocketAddress(withSocketAddress(undefined, SOCKET))).toBe(SOCKET);
    expect(stampedSocketAddress(new Headers({ [SOCKET_ADDRESS_HEADER]: `forged ${SOCKET}` }))).toBeNull();
    expect(clientAddress(new Headers({ [SOCKET_ADDRESS_HEADER]: "x 1.1.1.1" }), undefined, 0)).toBe("unknown");
  });

  it("the server stamp overwrites a client's header with the TCP peer's address", async () => {
    installSocketAddressStamp();
    let seen: string | null = null;
    const server = createServer((req, res) => {
      seen = clientAddress(new Headers(req.headers as Record<string, string>), undefined, 0);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const rq = httpRequest({ host: "127.0.0.1", port, headers: { [SOCKET_ADDRESS_HEADER]: "forged 1.1.1.1", "x-forwarded-for": "1.1.1.1" } }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      rq.on("error", reject);
      rq.end();
    });
    await new Promise((r) => server.close(r));
    expect(seen).toBe("127.0.0.1");
  });
});
