import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { AuditLog } from './audit-log.ts';
import { AuthService } from './auth-service.ts';
import { FederatedSignIn } from './federated-sign-in.ts';
import { PasswordHasher } from './passwords.ts';
import { UserService } from './user-service.ts';

export interface IdentityServices {
  auth: AuthService;
  users: UserService;
  audit: AuditLog;
  federation: FederatedSignIn;
}

/** One hasher per configuration: it caches the dummy hash used for unknown emails. */
const hashers = new WeakMap<ServiceDeps['config'], PasswordHasher>();

function hasherFor(config: ServiceDeps['config']): PasswordHasher {
  let hasher = hashers.get(config);
  if (!hasher) {
    hasher = new PasswordHasher(config.auth.argon2);
    hashers.set(config, hasher);
  }
  return hasher;
}

/** Builds the services of one request. */
export function createIdentityServices({ em, caller, config, logger }: ServiceDeps): IdentityServices {
  const hasher = hasherFor(config);
  const audit = new AuditLog(em);
  const auth = new AuthService({ em, config, hasher, audit, caller });
  return {
    audit,
    auth,
    users: new UserService({ em, caller, audit }),
    federation: new FederatedSignIn({ em, config, caller, audit, auth, logger }),
  };
}
