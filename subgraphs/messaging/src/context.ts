import type { SubgraphContext } from '../../../platform/subgraph.ts';
import type { MessagingServices } from './services/index.ts';

/** The context every messaging resolver receives. */
export type MessagingContext = SubgraphContext<MessagingServices>;
