/** Types of ./server.mjs (the example platform), for the Playwright spec that starts it. */
export declare function signEmbedToken(userId: string, secret: string, ttlSeconds: number): string;
export declare function startExampleServer(o: {
  heraldUrl: string;
  secret: string;
  userId: string;
  port?: number;
  host?: string;
  locale?: string;
  ttlSeconds?: number;
}): Promise<{ url: string; close: () => Promise<void> }>;
