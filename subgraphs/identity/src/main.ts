/**
 * The identity subgraph: users, sign-up, sign-in, sessions, roles and the
 * audit log of security events.
 */
import { startHousekeeping } from './services/housekeeping.ts';
import { DEVELOPMENT_ADMIN } from '../../../platform/config.ts';
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { seedDemoUsers } from './seed.ts';
import { DATA_EXPORT_PATH } from './services/data-rights.ts';
import { createIdentityServices, type IdentityServices } from './services/index.ts';

export const identity: SubgraphDefinition<IdentityServices> = {
  name: 'identity',
  typeDefs: loadSchema(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  database: { entities, migrations, migrationsPath: new URL('./migrations', import.meta.url).pathname },
  outbox: true,
  // Users' public fields (names, bankers' profiles) are shared between signed-in callers by the router's entity cache.
  cacheHints: true,
  createServices: createIdentityServices,
  // The archive of a data export, for its owner only, through the router's download route.
  httpRoutes: {
    [DATA_EXPORT_PATH]: {
      contentType: 'application/json; charset=utf-8',
      handle: ({ url, services }) => services.dataRights.download(url.searchParams.get('id') ?? ''),
    },
  },
  async onStart({ orm, config, logger, bus }) {
    const services = createIdentityServices({ em: orm.em.fork(), caller: { kind: 'anonymous' }, config, logger, bus });
    // Production has no default: requireForService refuses to start identity there without ADMIN_EMAIL/ADMIN_PASSWORD.
    const admin = config.admin ?? DEVELOPMENT_ADMIN;
    if ((await services.auth.ensureFirstAdmin(admin)) === 'created') {
      logger.info({ email: admin.email }, 'first administrator created');
    }
    // Expired sign-in, passkey and identity-provider challenges go after a day; stops before the database closes.
    return startHousekeeping(orm.em, logger);
  },
  seedDemoData: seedDemoUsers,
};
