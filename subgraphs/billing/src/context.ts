import type { SubgraphContext } from '../../../platform/subgraph.ts';
import type { BillingServices } from './services/index.ts';

/** The context every billing resolver receives. */
export type BillingContext = SubgraphContext<BillingServices>;
