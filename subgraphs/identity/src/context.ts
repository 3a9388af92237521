import type { SubgraphContext } from '../../../platform/subgraph.ts';
import type { IdentityServices } from './services/index.ts';

/** The context every identity resolver receives. */
export type IdentityContext = SubgraphContext<IdentityServices>;
