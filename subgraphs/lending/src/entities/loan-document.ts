import { defineEntity, p } from '@mikro-orm/core';

/**
 * A document of a loan application, encrypted at rest with AES-256-GCM:
 * `ciphertext` with its own random `iv` and the GCM `authTag`; the
 * document's id is the additional authenticated data, so ciphertexts cannot
 * be swapped between rows. `keyId` names the key, for rotation.
 */
export const LoanDocumentSchema = defineEntity({
  name: 'LoanDocument',
  tableName: 'loan_documents',
  properties: {
    id: p.uuid().primary(),
    applicationId: p.uuid().index(),
    /** Order within the application, as sent (0 first). */
    position: p.integer(),
    fileName: p.string().length(200),
    contentType: p.string().length(100),
    size: p.integer(),
    keyId: p.string().length(64),
    iv: p.blob(),
    authTag: p.blob(),
    ciphertext: p.blob().lazy(),
    uploadedAt: p.datetime(),
  },
});

export class LoanDocument extends LoanDocumentSchema.class {}
LoanDocumentSchema.setClass(LoanDocument);
