/**
 * The operations the gateway benchmark measures, shared with the test that
 * counts the SQL statements of one dashboard.
 */

/**
 * What a customer's home screen asks for in one request: their accounts with
 * the last 20 transactions of each (banking), bills (billing), loan
 * applications with their banker (lending, then identity), and conversations
 * (messaging).
 */
export const DASHBOARD = `query Dashboard {
  me {
    id
    name
    email
    accounts {
      id
      maskedNumber
      type
      currency
      nickname
      status
      balance { amount currency }
      availableBalance { amount currency }
      transactions(first: 20) {
        edges { node { id kind amount { amount currency } signedAmount { amount currency } status category description createdAt postedAt } }
        pageInfo { hasNextPage endCursor }
      }
    }
    bills { id biller { id name category } customerReference amount { amount currency } remaining { amount currency } dueDate status }
    loanApplications(first: 10) {
      edges { node { id product amount { amount currency } termMonths status submittedAt banker { id name bankerProfile { institution title } } } }
    }
    conversations(first: 10) {
      edges { node { id subject lastMessageAt unreadCount lastMessage { id body sentAt } } }
    }
  }
}`;

/** One subgraph: the balances of the caller's accounts. */
export const BALANCES = `query Balances { me { accounts { id balance { amount currency } } } }`;

/** A transfer between two of the caller's own accounts, selecting only its id. */
export const TRANSFER = `mutation Transfer($input: TransferInput!) { transfer(input: $input) { id } }`;
