import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserRef as UserRefModel, Conversation as ConversationModel, Message as MessageModel, Notification as NotificationModel } from '../models.ts';
import type { MessagingContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A point in time, as an ISO 8601 string in UTC (for example "2026-11-22T09:30:00.000Z"). */
  DateTime: { input: Date; output: Date; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** A chat between a business owner and a banker. Only its participants can see it or its messages. */
export type Conversation = {
  __typename?: 'Conversation';
  /** When the conversation was started. */
  createdAt: Scalars['DateTime']['output'];
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** Its most recent message. */
  lastMessage: Message;
  /** When its most recent message was sent. */
  lastMessageAt: Scalars['DateTime']['output'];
  /** The loan application the conversation is about, if any (resolved by the lending subgraph; null for those who may not see it). */
  loanApplication?: Maybe<LoanApplication>;
  /** The id of the loan application the conversation is about, if any. */
  loanApplicationId?: Maybe<Scalars['ID']['output']>;
  /** The conversation's messages, oldest first within a page, for scrolling back from the newest. */
  messages: MessageConnection;
  /** The people in the conversation (resolved by the identity subgraph), whoever started it first. */
  participants: Array<User>;
  /** What the conversation is about, as given by whoever started it. */
  subject: Scalars['String']['output'];
  /** Number of messages from the other participants that the viewer has not read yet. */
  unreadCount: Scalars['Int']['output'];
};


/** A chat between a business owner and a banker. Only its participants can see it or its messages. */
export type ConversationMessagesArgs = {
  before?: InputMaybe<Scalars['String']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of conversations. */
export type ConversationConnection = {
  __typename?: 'ConversationConnection';
  /** The conversations of this page. */
  edges: Array<ConversationEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
};

/** One conversation and its cursor. */
export type ConversationEdge = {
  __typename?: 'ConversationEdge';
  /** Opaque cursor: pass it as `after` to continue after this conversation. */
  cursor: Scalars['String']['output'];
  /** The conversation. */
  node: Conversation;
};

/** A loan application (owned by the lending subgraph). */
export type LoanApplication = {
  __typename?: 'LoanApplication';
  /** The application's id. */
  id: Scalars['ID']['output'];
};

/** One message of a conversation. */
export type Message = {
  __typename?: 'Message';
  /** The text exactly as sent: plain text, never interpreted as markup. Clients must display it as text. */
  body: Scalars['String']['output'];
  /** The sender's own id for this message, if they gave one (see SendMessageInput.clientMessageId). */
  clientMessageId?: Maybe<Scalars['String']['output']>;
  /** The conversation it belongs to. */
  conversation: Conversation;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** The other participants who have read it (the sender is not listed). */
  readBy: Array<User>;
  /** Who sent it (resolved by the identity subgraph). */
  sender: User;
  /** When it was sent. */
  sentAt: Scalars['DateTime']['output'];
};

/** A page of messages, oldest first: the newest page comes first, and `before` scrolls back. */
export type MessageConnection = {
  __typename?: 'MessageConnection';
  /** The messages of this page, oldest first. */
  edges: Array<MessageEdge>;
  /** Where this page starts. */
  pageInfo: MessagePageInfo;
};

/** One message and its cursor. */
export type MessageEdge = {
  __typename?: 'MessageEdge';
  /** Opaque cursor: pass it as `before` to read the messages before this one. */
  cursor: Scalars['String']['output'];
  /** The message. */
  node: Message;
};

/** Scroll-back pagination state of a page of messages. */
export type MessagePageInfo = {
  __typename?: 'MessagePageInfo';
  /** True when older messages precede this page. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the oldest message of this page (pass it as `before`); null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Marks every message of a conversation you take part in as read by you. */
  markConversationRead: Conversation;
  /** Marks your notifications read (those already read keep their time). NOT_FOUND, with nothing changed, if one of them is not yours. */
  markNotificationsRead: Array<Notification>;
  /** Sends a message to a conversation you take part in. */
  sendMessage: Message;
  /** Starts a conversation between a business owner and a banker, with its first message. For BUSINESS_OWNER and BANKER users. */
  startConversation: Conversation;
};


export type MutationMarkConversationReadArgs = {
  conversationId: Scalars['ID']['input'];
};


export type MutationMarkNotificationsReadArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type MutationSendMessageArgs = {
  input: SendMessageInput;
};


export type MutationStartConversationArgs = {
  input: StartConversationInput;
};

/** Something the bank tells a user about, made from what happened in the bank. Also sent by email, SMS and push. */
export type Notification = {
  __typename?: 'Notification';
  /** One or two sentences of plain text. */
  body: Scalars['String']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** What it is about. */
  kind: NotificationKind;
  /** Where in the bank's apps the notification leads, as a path (for example "/conversations/<id>"); null when nowhere. */
  link?: Maybe<Scalars['String']['output']>;
  /** When the user marked it read; null while unread. */
  readAt?: Maybe<Scalars['DateTime']['output']>;
  /** Short title. */
  title: Scalars['String']['output'];
};

/** A page of notifications. */
export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  /** The notifications of this page. */
  edges: Array<NotificationEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
};

/** One notification and its cursor. */
export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  /** Opaque cursor: pass it as `after` to continue after this notification. */
  cursor: Scalars['String']['output'];
  /** The notification. */
  node: Notification;
};

/** What a notification is about. */
export type NotificationKind =
  /** A bill is due. */
  | 'BILL_DUE'
  /** A bill was paid. */
  | 'BILL_PAID'
  /** A bill payment (often a scheduled one) failed: nothing was paid. */
  | 'BILL_PAYMENT_FAILED'
  /** One of your loan applications changed status. */
  | 'LOAN_APPLICATION_STATUS'
  /** An account's balance fell below its low-balance alert. */
  | 'LOW_BALANCE'
  /** A new message in one of your conversations. */
  | 'NEW_MESSAGE'
  /** Money arrived in one of your accounts by transfer. */
  | 'TRANSFER_RECEIVED'
  /** A transfer from one of your accounts was posted. */
  | 'TRANSFER_SENT';

/** Relay pagination state. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item of this page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** A conversation you take part in. NOT_FOUND when it does not exist or you are not in it. */
  conversation?: Maybe<Conversation>;
  /** Services only (identity, for the customer's data rights): everything messaging holds about a user (their conversations and every message in them, their notifications and queued deliveries), as the JSON text of one section of a data export. */
  messagingPersonalData: Scalars['String']['output'];
};


export type QueryConversationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryMessagingPersonalDataArgs = {
  userId: Scalars['ID']['input'];
};

/** Sending a message. */
export type SendMessageInput = {
  /** Not blank, at most 4,000 characters, stored exactly as sent (plain text, never markup). */
  body: Scalars['String']['input'];
  /** Your own id for this message, 1 to 100 characters. Sending again with the same id (a retry) returns the first message and sends nothing; the same id with another body is refused (IDEMPOTENCY_KEY_REUSED). */
  clientMessageId?: InputMaybe<Scalars['String']['input']>;
  /** A conversation you take part in. */
  conversationId: Scalars['ID']['input'];
};

/** Starting a conversation. */
export type StartConversationInput = {
  /** The first message: not blank, at most 4,000 characters, stored exactly as sent. */
  body: Scalars['String']['input'];
  /** The loan application the conversation is about, if any: one between you and the participant (NOT_FOUND otherwise). */
  loanApplicationId?: InputMaybe<Scalars['ID']['input']>;
  /** The other participant: a banker when you are a business owner; when you are a banker, a business owner who applied to you. Anyone else is NOT_FOUND. */
  participantId: Scalars['ID']['input'];
  /** What it is about: 1 to 200 characters (surrounding spaces are dropped). */
  subject: Scalars['String']['input'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Each new message of a conversation you take part in, live. NOT_FOUND when you are not in it, exactly as for a conversation that does not exist. */
  messageAdded: Message;
  /** Each new notification of the signed-in user, live. */
  notificationAdded: Notification;
};


export type SubscriptionMessageAddedArgs = {
  conversationId: Scalars['ID']['input'];
};

/** A user of the bank (owned by the identity subgraph); messaging adds their conversations and notifications. */
export type User = {
  __typename?: 'User';
  /** The user's conversations, the one with the most recent message first. Only the user themself may read them. */
  conversations: ConversationConnection;
  /** The user's id. */
  id: Scalars['ID']['output'];
  /** The user's notifications, newest first. Only the user themself may read them. */
  notifications: NotificationConnection;
};


/** A user of the bank (owned by the identity subgraph); messaging adds their conversations and notifications. */
export type UserConversationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A user of the bank (owned by the identity subgraph); messaging adds their conversations and notifications. */
export type UserNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Conversation: Conversation;
  Message: Message;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Conversation:
    ( { __typename: 'Conversation' }
    & GraphQLRecursivePick<FederationTypes['Conversation'], {"id":true}> );
  Message:
    ( { __typename: 'Message' }
    & GraphQLRecursivePick<FederationTypes['Message'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Conversation: ResolverTypeWrapper<ConversationModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ConversationConnection: ResolverTypeWrapper<Omit<ConversationConnection, 'edges'> & { edges: Array<ResolversTypes['ConversationEdge']> }>;
  ConversationEdge: ResolverTypeWrapper<Omit<ConversationEdge, 'node'> & { node: ResolversTypes['Conversation'] }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  LoanApplication: ResolverTypeWrapper<LoanApplication>;
  Message: ResolverTypeWrapper<MessageModel>;
  MessageConnection: ResolverTypeWrapper<Omit<MessageConnection, 'edges'> & { edges: Array<ResolversTypes['MessageEdge']> }>;
  MessageEdge: ResolverTypeWrapper<Omit<MessageEdge, 'node'> & { node: ResolversTypes['Message'] }>;
  MessagePageInfo: ResolverTypeWrapper<MessagePageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Notification: ResolverTypeWrapper<NotificationModel>;
  NotificationConnection: ResolverTypeWrapper<Omit<NotificationConnection, 'edges'> & { edges: Array<ResolversTypes['NotificationEdge']> }>;
  NotificationEdge: ResolverTypeWrapper<Omit<NotificationEdge, 'node'> & { node: ResolversTypes['Notification'] }>;
  NotificationKind: NotificationKind;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SendMessageInput: SendMessageInput;
  StartConversationInput: StartConversationInput;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  User: ResolverTypeWrapper<UserRefModel>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Conversation: ConversationModel;
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  Int: Scalars['Int']['output'];
  ConversationConnection: Omit<ConversationConnection, 'edges'> & { edges: Array<ResolversParentTypes['ConversationEdge']> };
  ConversationEdge: Omit<ConversationEdge, 'node'> & { node: ResolversParentTypes['Conversation'] };
  DateTime: Scalars['DateTime']['output'];
  LoanApplication: LoanApplication;
  Message: MessageModel;
  MessageConnection: Omit<MessageConnection, 'edges'> & { edges: Array<ResolversParentTypes['MessageEdge']> };
  MessageEdge: Omit<MessageEdge, 'node'> & { node: ResolversParentTypes['Message'] };
  MessagePageInfo: MessagePageInfo;
  Boolean: Scalars['Boolean']['output'];
  Mutation: Record<PropertyKey, never>;
  Notification: NotificationModel;
  NotificationConnection: Omit<NotificationConnection, 'edges'> & { edges: Array<ResolversParentTypes['NotificationEdge']> };
  NotificationEdge: Omit<NotificationEdge, 'node'> & { node: ResolversParentTypes['Notification'] };
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  SendMessageInput: SendMessageInput;
  StartConversationInput: StartConversationInput;
  Subscription: Record<PropertyKey, never>;
  User: UserRefModel;
}>;

export type ConversationResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['Conversation'] = ResolversParentTypes['Conversation'], FederationReferenceType extends FederationReferenceTypes['Conversation'] = FederationReferenceTypes['Conversation']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Conversation']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastMessage?: Resolver<ResolversTypes['Message'], ParentType, ContextType>;
  lastMessageAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  loanApplication?: Resolver<Maybe<ResolversTypes['LoanApplication']>, ParentType, ContextType>;
  loanApplicationId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  messages?: Resolver<ResolversTypes['MessageConnection'], ParentType, ContextType, RequireFields<ConversationMessagesArgs, 'last'>>;
  participants?: Resolver<Array<ResolversTypes['User']>, ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unreadCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ConversationConnectionResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['ConversationConnection'] = ResolversParentTypes['ConversationConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ConversationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type ConversationEdgeResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['ConversationEdge'] = ResolversParentTypes['ConversationEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Conversation'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type LoanApplicationResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['LoanApplication'] = ResolversParentTypes['LoanApplication']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type MessageResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['Message'] = ResolversParentTypes['Message'], FederationReferenceType extends FederationReferenceTypes['Message'] = FederationReferenceTypes['Message']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Message']> | FederationReferenceType, FederationReferenceType, ContextType>;
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  clientMessageId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  conversation?: Resolver<ResolversTypes['Conversation'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  readBy?: Resolver<Array<ResolversTypes['User']>, ParentType, ContextType>;
  sender?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  sentAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type MessageConnectionResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['MessageConnection'] = ResolversParentTypes['MessageConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['MessageEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['MessagePageInfo'], ParentType, ContextType>;
}>;

export type MessageEdgeResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['MessageEdge'] = ResolversParentTypes['MessageEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Message'], ParentType, ContextType>;
}>;

export type MessagePageInfoResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['MessagePageInfo'] = ResolversParentTypes['MessagePageInfo']> = ResolversObject<{
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  markConversationRead?: Resolver<ResolversTypes['Conversation'], ParentType, ContextType, RequireFields<MutationMarkConversationReadArgs, 'conversationId'>>;
  markNotificationsRead?: Resolver<Array<ResolversTypes['Notification']>, ParentType, ContextType, RequireFields<MutationMarkNotificationsReadArgs, 'ids'>>;
  sendMessage?: Resolver<ResolversTypes['Message'], ParentType, ContextType, RequireFields<MutationSendMessageArgs, 'input'>>;
  startConversation?: Resolver<ResolversTypes['Conversation'], ParentType, ContextType, RequireFields<MutationStartConversationArgs, 'input'>>;
}>;

export type NotificationResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['Notification'] = ResolversParentTypes['Notification']> = ResolversObject<{
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['NotificationKind'], ParentType, ContextType>;
  link?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  readAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type NotificationConnectionResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['NotificationConnection'] = ResolversParentTypes['NotificationConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['NotificationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type NotificationEdgeResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['NotificationEdge'] = ResolversParentTypes['NotificationEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Notification'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  conversation?: Resolver<Maybe<ResolversTypes['Conversation']>, ParentType, ContextType, RequireFields<QueryConversationArgs, 'id'>>;
  messagingPersonalData?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryMessagingPersonalDataArgs, 'userId'>>;
}>;

export type SubscriptionResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  messageAdded?: SubscriptionResolver<ResolversTypes['Message'], "messageAdded", ParentType, ContextType, RequireFields<SubscriptionMessageAddedArgs, 'conversationId'>>;
  notificationAdded?: SubscriptionResolver<ResolversTypes['Notification'], "notificationAdded", ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = MessagingContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  conversations?: Resolver<ResolversTypes['ConversationConnection'], ParentType, ContextType, RequireFields<UserConversationsArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  notifications?: Resolver<ResolversTypes['NotificationConnection'], ParentType, ContextType, RequireFields<UserNotificationsArgs, 'first' | 'unreadOnly'>>;
}>;

export type Resolvers<ContextType = MessagingContext> = ResolversObject<{
  Conversation?: ConversationResolvers<ContextType>;
  ConversationConnection?: ConversationConnectionResolvers<ContextType>;
  ConversationEdge?: ConversationEdgeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  LoanApplication?: LoanApplicationResolvers<ContextType>;
  Message?: MessageResolvers<ContextType>;
  MessageConnection?: MessageConnectionResolvers<ContextType>;
  MessageEdge?: MessageEdgeResolvers<ContextType>;
  MessagePageInfo?: MessagePageInfoResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Notification?: NotificationResolvers<ContextType>;
  NotificationConnection?: NotificationConnectionResolvers<ContextType>;
  NotificationEdge?: NotificationEdgeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

