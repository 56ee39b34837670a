import { z } from "zod";

/**
 * What the browser's WebAuthn call returned, as @simplewebauthn/browser serialises it. Only the outline is
 * checked here; @simplewebauthn/server checks every field that matters and refuses the rest.
 */
const credentialOutline = {
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};
const b64 = z.string().max(16_384);

export const AssertionJson = z.object({
  ...credentialOutline,
  response: z.object({ clientDataJSON: b64, authenticatorData: b64, signature: b64, userHandle: b64.optional() }),
});

export const AttestationJson = z.object({
  ...credentialOutline,
  response: z.object({
    clientDataJSON: b64,
    attestationObject: b64,
    transports: z.array(z.enum(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"])).max(8).optional(),
    authenticatorData: b64.optional(),
    publicKey: b64.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
  }),
});

