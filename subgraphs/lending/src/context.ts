import type { SubgraphContext } from '../../../platform/subgraph.ts';
import type { LendingServices } from './services/index.ts';

/** The context every lending resolver receives. */
export type LendingContext = SubgraphContext<LendingServices>;
