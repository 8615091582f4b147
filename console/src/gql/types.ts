/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** Which alerts to list; unset fields do not restrict. */
export type AlertFilter = {
  customerId?: string | null | undefined;
  /** The customer's sales owner. */
  owner?: string | null | undefined;
  rule?: string | null | undefined;
  severity?: AlertSeverity | null | undefined;
  status?: AlertStatus | null | undefined;
  /** true: open, acknowledged, snoozed. */
  unresolved?: boolean | null | undefined;
};

export type AlertSeverity =
  | 'CRITICAL'
  | 'INFO'
  | 'WARNING';

export type AlertStatus =
  | 'ACKNOWLEDGED'
  | 'OPEN'
  | 'RESOLVED'
  | 'SNOOZED';

/** How a payment is spread over invoices. */
export type AllocationPlanEnum =
  | 'AS_SELECTED'
  | 'OLDEST_FIRST';

export type ApprovalKind =
  | 'CREDIT_LIMIT'
  | 'WRITE_OFF';

export type ApprovalState =
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED'
  | 'WITHDRAWN';

/** A dimension to break receivables down by. */
export type ArDimension =
  | 'COUNTRY'
  | 'CURRENCY'
  | 'REGION'
  | 'RISK_RATING'
  | 'SALES_OWNER'
  | 'SEGMENT';

export type ContactInput = {
  email: string;
  name?: string | null | undefined;
  role?: string | null | undefined;
};

export type CreditHoldSource =
  | 'BROKEN_PROMISE'
  | 'KYC'
  | 'MANUAL'
  | 'OVER_LIMIT';

export type CreditNoteInput = {
  amount?: string | null | undefined;
  appliesTo?: Array<SettlementInput> | null | undefined;
  currency?: string | null | undefined;
  customer?: string | null | undefined;
  date?: string | null | undefined;
  externalId: string;
  number?: string | null | undefined;
  reason?: string | null | undefined;
};

/** Which customer accounts a figure or list covers; omitted fields do not restrict. */
export type CustomerFilter = {
  country?: string | null | undefined;
  /** The account's currency. */
  currency?: string | null | undefined;
  kycStatus?: KycStatus | null | undefined;
  region?: string | null | undefined;
  riskRating?: RiskRating | null | undefined;
  salesOwner?: string | null | undefined;
  /** Part of the name or account number. */
  search?: string | null | undefined;
  segment?: string | null | undefined;
};

export type CustomerInput = {
  accountNumber?: string | null | undefined;
  contacts?: Array<ContactInput> | null | undefined;
  country?: string | null | undefined;
  creditLimit?: string | null | undefined;
  currency?: string | null | undefined;
  externalId: string;
  kycNextReview?: string | null | undefined;
  kycStatus?: string | null | undefined;
  name?: string | null | undefined;
  parent?: string | null | undefined;
  paymentTermsDays?: number | null | undefined;
  region?: string | null | undefined;
  riskRating?: string | null | undefined;
  salesOwner?: string | null | undefined;
  segment?: string | null | undefined;
};

/** CustomerFilter plus conditions on a customer's own figures. */
export type CustomerListFilter = {
  country?: string | null | undefined;
  /** The account's currency. */
  currency?: string | null | undefined;
  hasOverdue?: boolean | null | undefined;
  kycStatus?: KycStatus | null | undefined;
  overLimit?: boolean | null | undefined;
  region?: string | null | undefined;
  riskRating?: RiskRating | null | undefined;
  salesOwner?: string | null | undefined;
  /** Part of the name or account number. */
  search?: string | null | undefined;
  segment?: string | null | undefined;
};

/** How to order customers; figures largest first, name A-Z. */
export type CustomerOrderBy =
  | 'NAME'
  | 'NET_BALANCE'
  | 'OVERDUE'
  | 'PRIORITY'
  | 'UTILISATION';

export type DecideDisputeInput = {
  /** For PARTIAL, e.g. "100.00". */
  acceptedAmount?: string | null | undefined;
  decision: DisputeDecision;
  disputeId: string;
  reason?: string;
};

export type DisputeDecision =
  | 'ACCEPT'
  | 'PARTIAL'
  | 'REJECT';

export type DisputeInput = {
  amount?: string | null | undefined;
  currency?: string | null | undefined;
  customer?: string | null | undefined;
  description?: string | null | undefined;
  externalId: string;
  invoice?: string | null | undefined;
  kind?: string | null | undefined;
  openedOn?: string | null | undefined;
  reasonCode?: string | null | undefined;
  status?: string | null | undefined;
};

export type FxRateInput = {
  currency: string;
  date: string;
  rate: string;
};

/** One ERP batch; the same shape as the JSON import file. */
export type ImportBatchInput = {
  creditNotes?: Array<CreditNoteInput> | null | undefined;
  customers?: Array<CustomerInput> | null | undefined;
  disputes?: Array<DisputeInput> | null | undefined;
  fxRates?: Array<FxRateInput> | null | undefined;
  intercompanyBalances?: Array<IntercompanyBalanceInput> | null | undefined;
  invoices?: Array<InvoiceInput> | null | undefined;
  lettersOfCredit?: Array<LetterOfCreditInput> | null | undefined;
  payments?: Array<PaymentInput> | null | undefined;
  writeOffs?: Array<WriteOffInput> | null | undefined;
};

export type IntercompanyBalanceInput = {
  amount?: string | null | undefined;
  asOf?: string | null | undefined;
  counterpartyEntity?: string | null | undefined;
  currency?: string | null | undefined;
  customer?: string | null | undefined;
  direction?: string | null | undefined;
  externalId: string;
};

export type InviteStaffInput = {
  email: string;
  name?: string;
  role: StaffRole;
};

export type InvoiceInput = {
  currency?: string | null | undefined;
  customer?: string | null | undefined;
  dueDate?: string | null | undefined;
  externalId: string;
  issueDate?: string | null | undefined;
  lines?: Array<InvoiceLineInput> | null | undefined;
  number?: string | null | undefined;
  poNumber?: string | null | undefined;
  status?: string | null | undefined;
  total?: string | null | undefined;
};

export type InvoiceLineInput = {
  cost?: string | null | undefined;
  description?: string | null | undefined;
  quantity?: string | null | undefined;
  taxAmount?: string | null | undefined;
  unitPrice?: string | null | undefined;
};

export type KycStatus =
  | 'APPROVED'
  | 'EXPIRED'
  | 'IN_REVIEW'
  | 'NOT_STARTED'
  | 'PENDING'
  | 'REJECTED';

export type LetterOfCreditInput = {
  amount?: string | null | undefined;
  currency?: string | null | undefined;
  customer?: string | null | undefined;
  expiryDate?: string | null | undefined;
  externalId: string;
  issueDate?: string | null | undefined;
  issuingBank?: string | null | undefined;
  kind?: string | null | undefined;
  reference?: string | null | undefined;
  status?: string | null | undefined;
};

/** Ways staff record money received by hand. */
export type ManualPaymentMethod =
  | 'ACH'
  | 'CHECK'
  | 'WIRE';

export type PaymentFilterInput = {
  customerId?: string | null | undefined;
  receivedFrom?: string | null | undefined;
  receivedTo?: string | null | undefined;
  status?: PaymentStatus | null | undefined;
};

export type PaymentInput = {
  allocations?: Array<SettlementInput> | null | undefined;
  amount?: string | null | undefined;
  currency?: string | null | undefined;
  customer?: string | null | undefined;
  externalId: string;
  method?: string | null | undefined;
  receivedDate?: string | null | undefined;
  reference?: string | null | undefined;
};

export type PaymentStatus =
  | 'FAILED'
  | 'PENDING'
  | 'REFUNDED'
  | 'SUCCEEDED';

export type RecordPaymentInput = {
  allocation?: AllocationPlanEnum;
  /** Decimal string, e.g. "1234.50". */
  amount: string;
  currencyCode: string;
  customerId: string;
  /** The bank's or ERP's id: recording it again changes nothing. */
  externalId?: string | null | undefined;
  invoiceIds?: Array<string>;
  method: ManualPaymentMethod;
  receivedDate: string;
  reference?: string;
};

export type RiskRating =
  | 'A'
  | 'B'
  | 'C'
  | 'D'
  | 'E';

/** A payment allocation or credit application to one invoice. */
export type SettlementInput = {
  amount: string;
  date?: string | null | undefined;
  invoice: string;
};

/** What a staff member may do. */
export type StaffRole =
  | 'ADMIN'
  | 'COLLECTIONS'
  | 'COMPLIANCE'
  | 'CREDIT'
  | 'FINANCE'
  | 'SALES'
  | 'SUPPORT'
  | 'VIEWER';

export type SupportQueueFilter = {
  assigneeId?: string | null | undefined;
  customerId?: string | null | undefined;
  overdueSla?: boolean;
  status?: SupportStatus | null | undefined;
};

/** Where a support request stands. */
export type SupportStatus =
  | 'OPEN'
  | 'RESOLVED'
  | 'WAITING_ON_CUSTOMER';

export type WriteOffInput = {
  amount?: string | null | undefined;
  date?: string | null | undefined;
  externalId: string;
  invoice?: string | null | undefined;
  reason?: string | null | undefined;
};

export type AcknowledgeAlertMutationVariables = Exact<{
  id: string;
}>;


export type AcknowledgeAlertMutation = { acknowledgeAlert: { alert: { id: string, status: AlertStatus, acknowledgedBy: string | null } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type AdminQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminQuery = { staffMembers: Array<{ id: string, email: string, role: StaffRole, linked: boolean }>, signInSessions: Array<{ id: string, kind: string, principal: string, createdAt: string, lastSeenAt: string, expiresAt: string, ip: string }> };

export type AlertsQueryVariables = Exact<{
  filter?: AlertFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type AlertsQuery = { alerts: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, totalsByRule: Array<{ rule: string, count: number, amount: { amount: string, currencyCode: string } | null }>, edges: Array<{ node: { id: string, rule: string, severity: AlertSeverity, status: AlertStatus, message: string, daysOverdue: number | null, acknowledgedBy: string | null, snoozedUntil: string | null, amount: { amount: string, currencyCode: string } | null, customer: { id: string, name: string } | null } }> } };

export type AnswerSupportRequestMutationVariables = Exact<{
  id: string;
  message: string;
}>;


export type AnswerSupportRequestMutation = { answerSupportRequest: { supportRequest: { id: string, status: SupportStatus, messages: Array<{ author: string, body: string, internal: boolean, createdAt: string }> } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type AssignSupportRequestMutationVariables = Exact<{
  id: string;
  assigneeId?: string | null | undefined;
}>;


export type AssignSupportRequestMutation = { assignSupportRequest: { supportRequest: { id: string, assigneeId: string | null, status: SupportStatus } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type ChangeStaffRoleMutationVariables = Exact<{
  memberId: string;
  role: StaffRole;
}>;


export type ChangeStaffRoleMutation = { changeStaffRole: { member: { id: string, email: string, role: StaffRole, linked: boolean } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type CustomerQueryVariables = Exact<{
  id: string;
  asOf?: string | null | undefined;
}>;


export type CustomerQuery = { customer: { id: string, accountNumber: string, name: string, region: string, segment: string, country: string, currency: string, riskRating: RiskRating, kycStatus: KycStatus, kycNextReview: string | null, onboardingStatus: string, salesOwner: string, paymentTermsDays: number, asOf: string, statementPdfUrl: string, onCreditHold: boolean, balances: { utilisation: number | null, overLimit: boolean, totalOpen: { amount: string, currencyCode: string }, overdue: { amount: string, currencyCode: string }, unapplied: { amount: string, currencyCode: string }, netBalance: { amount: string, currencyCode: string }, creditLimit: { amount: string, currencyCode: string } | null, cover: { amount: string, currencyCode: string }, exposure: { amount: string, currencyCode: string }, aging: { buckets: Array<{ label: string, count: number, amount: { amount: string, currencyCode: string } }> } }, priority: { score: number, riskWeight: number, overLimit: boolean, brokenPromise: boolean, oldestDaysPastDue: number, weightedOverdue: { amount: string, currencyCode: string }, disputed: { amount: string, currencyCode: string } } | null, creditReviews: Array<{ id: string, status: string, rating: string | null, approver: string, decidedAt: string | null, note: string, approvedLimit: { amount: string, currencyCode: string } | null }>, kycReviews: Array<{ id: string, status: string, reviewedOn: string | null, nextReview: string | null, reviewer: string }>, lettersOfCredit: Array<{ id: string, kind: string, reference: string, issuingBank: string, expiryDate: string, status: string, amount: { amount: string, currencyCode: string } }>, intercompanyBalances: Array<{ id: string, counterpartyEntity: string, direction: string, asOf: string, amount: { amount: string, currencyCode: string } }>, openDisputes: Array<{ id: string, kind: string, status: string, reasonCode: string, openedOn: string, amount: { amount: string, currencyCode: string } }>, promisesToPay: Array<{ id: string, promisedDate: string, status: string, amount: { amount: string, currencyCode: string } }>, paymentBehaviour: { settledCount: number, averageDaysToPay: number | null, averageDaysLate: number | null, onTimeRate: number | null, daysToPayChange: number | null }, profitability: { marginRate: number | null, growth: number | null, revenue: { amount: string, currencyCode: string }, grossMargin: { amount: string, currencyCode: string } | null }, invoices: { totalCount: number, edges: Array<{ node: { id: string, number: string, status: string, dueDate: string, daysPastDue: number, pdfUrl: string, total: { amount: string, currencyCode: string }, openAmount: { amount: string, currencyCode: string } } }> }, payments: { edges: Array<{ node: { id: string, receivedDate: string, method: string, reference: string, status: string, amount: { amount: string, currencyCode: string } } }> }, alerts: { edges: Array<{ node: { id: string, rule: string, severity: AlertSeverity, status: AlertStatus, message: string } }> }, dunning: { policy: string | null, step: string | null, nextStep: string | null, nextStepOn: string | null, paused: boolean, pausedUntil: string | null, reason: string }, creditHolds: Array<{ id: string, source: CreditHoldSource, reason: string, placedBy: string, placedAt: string }>, timeline: { totalCount: number, edges: Array<{ node: { kind: string, objectId: string, on: string, at: string | null, title: string, detail: string, pdfUrl: string | null, amount: { amount: string, currencyCode: string } | null } }> } }, collectionTasks: { totalCount: number, edges: Array<{ node: { id: string, kind: string, title: string, dueOn: string, assignee: string | null } }> }, approvalRequests: { totalCount: number, edges: Array<{ node: { id: string, kind: ApprovalKind, state: ApprovalState, reason: string, requestedBy: string, requestedAt: string, waitingForRoles: Array<string>, pastSla: boolean, amount: { amount: string, currencyCode: string } } }> } };

export type CustomersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  asOf?: string | null | undefined;
  filter?: CustomerListFilter | null | undefined;
  orderBy: CustomerOrderBy;
}>;


export type CustomersQuery = { customers: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, accountNumber: string, name: string, region: string, country: string, riskRating: RiskRating, salesOwner: string, balances: { utilisation: number | null, overLimit: boolean, netBalance: { amount: string, currencyCode: string }, overdue: { amount: string, currencyCode: string } }, priority: { score: number } | null } }> } };

export type DecideDisputeMutationVariables = Exact<{
  input: DecideDisputeInput;
}>;


export type DecideDisputeMutation = { decideDispute: { creditNoteNumber: string | null, dispute: { id: string, status: string } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type DisputesQueryVariables = Exact<{ [key: string]: never; }>;


export type DisputesQuery = { openDisputes: Array<{ id: string, customerId: string, invoiceNumber: string | null, amount: string, currencyCode: string, reasonCode: string, status: string, openedOn: string, slaDue: string | null }> };

export type DunningQueryVariables = Exact<{
  printed: boolean;
  after?: string | null | undefined;
}>;


export type DunningQuery = { dunningLettersPdfUrl: string, dunningLetters: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { id: string, customerId: string, customerName: string, step: string, pdfUrl: string | null, printedAt: string | null, printedBy: string | null, lines: Array<{ number: string }>, totals: Array<{ amount: { amount: string, currencyCode: string } }> } }> }, dunningRuns: { edges: Array<{ node: { id: string, runOn: string, trigger: string, startedAt: string, sentCount: number, skippedCount: number } }> } };

export type ImportBatchMutationVariables = Exact<{
  input: ImportBatchInput;
}>;


export type ImportBatchMutation = { importBatch: { counts: Array<{ recordType: string, created: number, updated: number, unchanged: number }>, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type InviteStaffMutationVariables = Exact<{
  input: InviteStaffInput;
}>;


export type InviteStaffMutation = { inviteStaff: { member: { id: string, email: string, role: StaffRole, linked: boolean } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type MarkLettersPrintedMutationVariables = Exact<{
  ids: Array<string> | string;
}>;


export type MarkLettersPrintedMutation = { markDunningLettersPrinted: { letters: Array<{ id: string, printedAt: string | null, printedBy: string | null }>, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type NoteSupportRequestMutationVariables = Exact<{
  id: string;
  message: string;
}>;


export type NoteSupportRequestMutation = { addInternalNote: { supportRequest: { id: string, status: SupportStatus, messages: Array<{ author: string, body: string, internal: boolean, createdAt: string }> } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type OpenInvoicesQueryVariables = Exact<{
  id: string;
  after?: string | null | undefined;
}>;


export type OpenInvoicesQuery = { customer: { id: string, name: string, currency: string, asOf: string, invoices: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, number: string, dueDate: string, openAmount: { amount: string, currencyCode: string } } }> } } };

export type OverviewQueryVariables = Exact<{
  asOf?: string | null | undefined;
  previous?: string | null | undefined;
  filter?: CustomerFilter | null | undefined;
}>;


export type OverviewQuery = { current: { asOf: string, periodDays: number, dso: number | null, countbackDso: number | null, bestPossibleDso: number | null, averageDaysDelinquent: number | null, cei: number | null, customersWithBalance: number, customersOverLimit: number, totalOpen: { amount: string, currencyCode: string }, overdue: { amount: string, currencyCode: string }, netBalance: { amount: string, currencyCode: string }, openDisputes: { count: number, amount: { amount: string, currencyCode: string } }, aging: { buckets: Array<{ label: string, count: number, amount: { amount: string, currencyCode: string } }> } }, previous: { asOf: string, dso: number | null, countbackDso: number | null, bestPossibleDso: number | null, averageDaysDelinquent: number | null, cei: number | null, customersOverLimit: number, totalOpen: { amount: string }, overdue: { amount: string }, netBalance: { amount: string }, openDisputes: { count: number } } };

export type OverviewBreakdownQueryVariables = Exact<{
  asOf?: string | null | undefined;
  filter?: CustomerFilter | null | undefined;
  by: ArDimension;
}>;


export type OverviewBreakdownQuery = { breakdown: Array<{ key: string, dso: number | null, cei: number | null, customersWithBalance: number, totalOpen: { amount: string }, overdue: { amount: string }, netBalance: { amount: string } }> };

export type OverviewTrendQueryVariables = Exact<{
  asOf?: string | null | undefined;
  filter?: CustomerFilter | null | undefined;
}>;


export type OverviewTrendQuery = { trend: Array<{ date: string, dso: number | null, cei: number | null, ar: { amount: string }, overdue: { amount: string }, collections: { amount: string } }> };

export type PaymentCustomersQueryVariables = Exact<{
  search?: string | null | undefined;
}>;


export type PaymentCustomersQuery = { customers: { totalCount: number, edges: Array<{ node: { id: string, accountNumber: string, name: string, currency: string } }> } };

export type PaymentsQueryVariables = Exact<{
  filter?: PaymentFilterInput | null | undefined;
  after?: string | null | undefined;
}>;


export type PaymentsQuery = { payments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, customerId: string, receivedDate: string, method: string, reference: string, status: PaymentStatus, refundOf: string | null, amount: { amount: string, currencyCode: string }, refunded: { amount: string, currencyCode: string }, allocations: Array<{ invoiceNumber: string, amount: { amount: string, currencyCode: string } }> } }> } };

export type RecordPaymentMutationVariables = Exact<{
  input: RecordPaymentInput;
}>;


export type RecordPaymentMutation = { recordPayment: { payment: { id: string, status: PaymentStatus, reference: string, amount: { amount: string, currencyCode: string }, allocations: Array<{ invoiceId: string, invoiceNumber: string, date: string, amount: { amount: string, currencyCode: string } }> } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type RefundPaymentMutationVariables = Exact<{
  id: string;
  amount?: string | null | undefined;
}>;


export type RefundPaymentMutation = { refundPayment: { payment: { id: string, status: PaymentStatus, refunded: { amount: string, currencyCode: string } } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type ReopenSupportRequestMutationVariables = Exact<{
  id: string;
}>;


export type ReopenSupportRequestMutation = { reopenSupportRequest: { supportRequest: { id: string, status: SupportStatus } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type ResolveAlertMutationVariables = Exact<{
  id: string;
  note?: string | null | undefined;
}>;


export type ResolveAlertMutation = { resolveAlert: { alert: { id: string, status: AlertStatus, resolvedBy: string | null } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type ResolveSupportRequestMutationVariables = Exact<{
  id: string;
}>;


export type ResolveSupportRequestMutation = { resolveSupportRequest: { supportRequest: { id: string, status: SupportStatus } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type RevokeSessionMutationVariables = Exact<{
  id: string;
}>;


export type RevokeSessionMutation = { revokeSession: { session: { id: string } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type SnoozeAlertMutationVariables = Exact<{
  id: string;
  until: string;
}>;


export type SnoozeAlertMutation = { snoozeAlert: { alert: { id: string, status: AlertStatus, snoozedUntil: string | null } | null, userErrors: Array<{ field: Array<string> | null, code: string, message: string }> } };

export type SupportQueueQueryVariables = Exact<{
  filter?: SupportQueueFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type SupportQueueQuery = { supportRequests: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, customerId: string, subject: string, status: SupportStatus, invoiceNumber: string | null, assigneeId: string | null, slaDue: string | null, createdAt: string, messages: Array<{ author: string, body: string, internal: boolean, createdAt: string }> } }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { role: string, principal: string, memberId: string | null, tenant: { slug: string, name: string, baseCurrency: string, timezone: string, locale: string, today: string } } };

export type WorklistQueryVariables = Exact<{
  asOf?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type WorklistQuery = { collectionWorklist: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { suggestedAction: string, customer: { id: string, name: string, accountNumber: string, salesOwner: string }, priority: { score: number, riskRating: RiskRating, oldestDaysPastDue: number, brokenPromise: boolean, overLimit: boolean, overdue: { amount: string, currencyCode: string }, weightedOverdue: { amount: string, currencyCode: string } } } }> } };
