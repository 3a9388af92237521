import type { SubgraphContext } from '../../../platform/subgraph.ts';
import type { AssistantServices } from './services/index.ts';

/** The context every assistant resolver receives. */
export type AssistantContext = SubgraphContext<AssistantServices>;
