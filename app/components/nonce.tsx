import { createContext, useContext } from "react";

// The CSP nonce of this response (server.ts makes one per request), for Remix's inline scripts.
// In the browser it is empty: the scripts have run by then, and browsers hide the attribute.
const NonceContext = createContext<string | undefined>(undefined);

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
