import type { QueryResolvers } from '../generated/resolvers.ts';

export const Query: QueryResolvers = {
  bankers: async (_root, args, { services }) => {
    const page = await services.profiles.search(args);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: { id: e.node.bankerId } })) };
  },
  loanApplication: (_root, { id }, { services }) => services.applications.get(id),
  loanApplications: (_root, args, { services }) => services.applications.queue(args),
  loanDocument: (_root, { id }, { services }) => services.applications.openDocument(id),
  loan: (_root, { id }, { services }) => services.loans.get(id),
  loanQuote: (_root, args, { services }) => services.loans.quote(args),
  lendingPersonalData: async (_root, { userId }, { services }) =>
    JSON.stringify(await services.dataRights.personalData(userId)),
  lendingErasureBlockers: async (_root, { userId }, { services }) =>
    JSON.stringify(await services.dataRights.erasureBlockers(userId)),
};
