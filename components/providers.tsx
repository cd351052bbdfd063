"use client";
/** Client-side providers: TanStack Query, tRPC and (when signed in) the realtime subscription. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, loggerLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/trpc/root";
import { TRPCProvider } from "@/components/trpc";
import { RealtimeProvider, type RealtimeClientConfig } from "@/components/realtime/realtime-provider";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        // Back online: the badge and inbox must match the server, whatever was missed meanwhile.
        refetchOnReconnect: "always",
        retry: (n, err) => n < 2 && !/UNAUTHORIZED|FORBIDDEN|NOT_FOUND/.test(String(err)),
      },
    },
  });
}

export function Providers(props: {
  children: ReactNode;
  realtime: RealtimeClientConfig;
  user: { id: string; businessId: string | null } | null;
}) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({ enabled: (op) => process.env.NODE_ENV === "development" && op.direction === "down" && op.result instanceof Error }),
        httpBatchLink({ url: "/api/trpc", transformer: superjson }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {props.user ? (
          <RealtimeProvider config={props.realtime} userId={props.user.id} businessId={props.user.businessId}>
            {props.children}
          </RealtimeProvider>
        ) : (
          props.children
        )}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
