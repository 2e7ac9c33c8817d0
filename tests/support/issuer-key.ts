import { generateIssuerKeyPem, issuerKeyFrom } from "~/runtime/issuer-key.server";

// One issuer key per test file, made in memory: what ISSUER_SIGNING_KEY would hold in
// production. Child processes a test starts (a standalone worker) get the same PEM in their env.
export const testIssuerKeyPem = generateIssuerKeyPem();
export const testIssuerKey = issuerKeyFrom(testIssuerKeyPem, "test issuer key");
