import type { SubgraphContext } from '../../../platform/subgraph.ts';
import type { BankingServices } from './services/index.ts';

/** The context every banking resolver receives. */
export type BankingContext = SubgraphContext<BankingServices>;
