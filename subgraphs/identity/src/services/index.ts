import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { AuditLog } from './audit-log.ts';
import { AuthService } from './auth-service.ts';
import { DataRights } from './data-rights.ts';
import { Passkeys } from './passkeys.ts';
import { FederatedSignIn } from './federated-sign-in.ts';
import { PasswordHasher } from './passwords.ts';
import { SecondFactors } from './second-factors.ts';
import { Sessions } from './sessions.ts';
import { SignInThrottle } from './sign-in-throttle.ts';
import { StepUps } from './step-up.ts';
import { UserService } from './user-service.ts';

export interface IdentityServices {
  auth: AuthService;
  users: UserService;
  audit: AuditLog;
  factors: SecondFactors;
  passkeys: Passkeys;
  sessions: Sessions;
  stepUps: StepUps;
  dataRights: DataRights;
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
export function createIdentityServices({
  em,
  caller,
  config,
  logger,
  userAgent = null,
}: ServiceDeps): IdentityServices {
  const hasher = hasherFor(config);
  const audit = new AuditLog(em);
  const sessions = new Sessions({ em, config, caller, audit });
  const throttle = new SignInThrottle({ em, config, audit });
  const factors = new SecondFactors({ em, config, caller, audit, sessions, throttle });
  const passkeys = new Passkeys({ em, config, caller, audit, factors });
  factors.passkeys = passkeys.verify;
  factors.passkeyChallenges = passkeys.spendChallenge;
  const auth = new AuthService({ em, config, hasher, audit, caller, factors, sessions, throttle, userAgent, passkeys });
  return {
    auth,
    audit,
    sessions,
    factors,
    stepUps: new StepUps({ config, caller, audit, factors }),
    passkeys,
    users: new UserService({ em, caller, audit }),
    dataRights: new DataRights({ em, caller, config, audit, hasher, logger, throttle }),
    federation: new FederatedSignIn({ em, config, caller, audit, auth, logger }),
  };
}
