/**
 * GraphQL Code Generator: resolver types for each subgraph (federation mode,
 * mapped to MikroORM entities) and typed operations for the tests.
 * `npm run codegen` writes them; `npm run codegen:check` fails when they are
 * stale. Generated files live in `generated/` folders and are never edited.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const resolverConfig = (contextType: string, mappers: Record<string, string>) => ({
  federation: true,
  useIndexSignature: true,
  useTypeImports: true,
  enumsAsTypes: true,
  contextType,
  mappers,
  mapperTypeSuffix: 'Model',
  scalars: { DateTime: 'Date', Decimal: 'string', ID: 'string' },
  avoidOptionals: false,
  maybeValue: 'T | null',
  inputMaybeValue: 'T | null | undefined',
});

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'subgraphs/identity/src/generated/resolvers.ts': {
      schema: 'subgraphs/identity/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.ts#IdentityContext', {
        User: '../entities/index.ts#User',
        AuditEvent: '../entities/index.ts#AuditEvent',
        Session: '../entities/index.ts#Session',
        SecondFactor: '../entities/index.ts#SecondFactor',
        DataExport: '../entities/index.ts#DataExport',
        LinkedIdentityProvider: '../entities/index.ts#FederatedIdentity',
      }),
    },
    'subgraphs/banking/src/generated/resolvers.ts': {
      schema: 'subgraphs/banking/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.ts#BankingContext', {
        User: '../models.ts#UserRef',
        Account: '../models.ts#Account',
        Transaction: '../models.ts#TransactionView',
        Statement: '../models.ts#StatementData',
        StatementEntry: '../models.ts#StatementLineModel',
        SpendingSummary: '../models.ts#SpendingData',
        CategorySpending: '../models.ts#CategorySpendingModel',
        MonthlySpending: '../models.ts#MonthlySpendingModel',
      }),
    },
    'subgraphs/billing/src/generated/resolvers.ts': {
      schema: 'subgraphs/billing/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.ts#BillingContext', {
        User: '../models.ts#Ref',
        Account: '../models.ts#Ref',
        Transaction: '../models.ts#Ref',
        Biller: '../models.ts#Biller',
        Bill: '../models.ts#Bill',
        BillPayment: '../models.ts#BillPayment',
        ScheduledPayment: '../models.ts#ScheduledPayment',
      }),
    },
    'subgraphs/lending/src/generated/resolvers.ts': {
      schema: 'subgraphs/lending/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.ts#LendingContext', {
        User: '../models.ts#Ref',
        Account: '../models.ts#Ref',
        Transaction: '../models.ts#Ref',
        LendingProfile: '../models.ts#LendingProfile',
        LoanApplication: '../models.ts#LoanApplication',
        LoanApplicationTransition: '../models.ts#ApplicationTransition',
        LoanDocument: '../models.ts#LoanDocument',
        LoanDocumentContent: '../models.ts#DocumentContent',
        Loan: '../models.ts#Loan',
        Installment: '../models.ts#InstallmentView',
        LoanRepayment: '../models.ts#LoanRepayment',
        LoanQuote: '../models.ts#Quote',
      }),
    },
    'subgraphs/messaging/src/generated/resolvers.ts': {
      schema: 'subgraphs/messaging/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.ts#MessagingContext', {
        User: '../models.ts#UserRef',
        Conversation: '../models.ts#Conversation',
        Message: '../models.ts#Message',
        Notification: '../models.ts#Notification',
      }),
    },
    'subgraphs/assistant/src/generated/resolvers.ts': {
      schema: 'subgraphs/assistant/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.ts#AssistantContext', {
        User: '../models.ts#Ref',
        Account: '../models.ts#Ref',
        Transaction: '../models.ts#Ref',
        Bill: '../models.ts#Ref',
        BillPayment: '../models.ts#Ref',
        LoanApplication: '../models.ts#Ref',
        Loan: '../models.ts#Ref',
        Conversation: '../models.ts#Ref',
        AssistantSession: '../models.ts#AssistantSession',
        AssistantTurn: '../models.ts#AssistantTurn',
        AssistantAction: '../models.ts#AssistantAction',
        AssistantCard: '../models.ts#StoredCard',
        AssistantSpendingLine: '../models.ts#SpendingLine',
      }),
    },
    'test/generated/operations.ts': {
      schema: 'schema/supergraph.graphql',
      documents: 'test/operations/**/*.graphql',
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', Decimal: 'string', ID: 'string' },
      },
    },
  },
};

export default config;
