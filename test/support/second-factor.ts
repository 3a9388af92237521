/**
 * Second factors for end-to-end tests: an authenticator app in code (otplib,
 * the library identity verifies with) and the enrolment of one through the
 * router.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';
import { postGraphQL, type JsonResponse } from './stack.ts';

/** The code an authenticator app shows for `secret`, `stepsFromNow` time steps (30 s) away. */
export async function totpCode(secret: string, stepsFromNow = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsFromNow * 30 });
}

/** Turns an authenticator app on for the holder of `token`: its secret and recovery codes. */
export async function enrolTotp(
  routerUrl: string,
  token: string,
): Promise<{ secret: string; factorId: string; recoveryCodes: string[] }> {
  const begun = await postGraphQL(routerUrl, 'mutation { beginTotpEnrollment { factorId secret } }', {}, token);
  const enrolment = begun.data?.beginTotpEnrollment as { factorId: string; secret: string } | undefined;
  if (!enrolment) throw new Error(`beginTotpEnrollment failed: ${JSON.stringify(begun.errors)}`);
  // A code of the step before: the next code asked for (this step's) is then not a replay. Identity
  // accepts one step either side, so the step must not end before it is checked: on a loaded machine,
  // wait out the last seconds of a step first.
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 5_000) await sleep(left + 100);
  const confirmed = await postGraphQL(
    routerUrl,
    'mutation ($code: String!) { confirmTotpEnrollment(code: $code) }',
    { code: await totpCode(enrolment.secret, -1) },
    token,
  );
  const recoveryCodes = confirmed.data?.confirmTotpEnrollment as string[] | undefined;
  if (!recoveryCodes) throw new Error(`confirmTotpEnrollment failed: ${JSON.stringify(confirmed.errors)}`);
  return { secret: enrolment.secret, factorId: enrolment.factorId, recoveryCodes };
}

/** The first error's code of a response. */
export function codeOf(response: JsonResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}
