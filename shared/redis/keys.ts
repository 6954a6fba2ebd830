/**
 * Every Redis key Aira writes, under one prefix. Keys are stored contracts: a running stream or
 * session outlives a deploy, so a change here needs a migration path.
 */
export function redisKeys(prefix: string) {
  return {
    /** Session by sha256 of its token (a Redis dump never holds a usable token). */
    session: (tokenHash: string) => `${prefix}:session:${tokenHash}`,
    /** Pub/sub channel announcing an ended session (its token hash): gateways forget it at once. */
    sessionRevoked: `${prefix}:session-revoked`,
    /** Failed sign-ins per account or per address, counted over a window. */
    loginFailures: (kind: 'email' | 'ip', id: string) => `${prefix}:login-failures:${kind}:${id}`,
    /** A user's profile as the request path knows it, ahead of (or instead of) the database. */
    user: (userId: string) => `${prefix}:user:${userId}`,
    /** Conversations created but maybe not yet persisted: zset of id by creation time. */
    userConversations: (userId: string) => `${prefix}:user:${userId}:conversations`,
    conversation: (id: string) => `${prefix}:conversation:${id}`,
    /** Recent turns of a conversation (JSON, oldest first), bounded, with a TTL. */
    turns: (conversationId: string) => `${prefix}:conversation:${conversationId}:turns`,
    /** Present while `turns` holds every turn since the conversation began (no database read needed). */
    turnsComplete: (conversationId: string) => `${prefix}:conversation:${conversationId}:turns:complete`,
    /** Turns accepted but not yet written to the database, by reply id. */
    pendingTurns: (conversationId: string) => `${prefix}:conversation:${conversationId}:pending`,
    /** A user's survey answer revision counter (every accepted request takes the next one). */
    surveyRevision: (userId: string) => `${prefix}:user:${userId}:survey:revision`,
    /** Latest accepted revision per question id, for telling pending answers from stored ones. */
    surveyLatest: (userId: string, version: number) => `${prefix}:user:${userId}:survey:v${version}:latest`,
    /** Revision per question id the database holds, as the writer last committed it (lua/markAnswersStored-1.lua). */
    surveyStored: (userId: string, version: number) => `${prefix}:user:${userId}:survey:v${version}:stored`,
    /** A reply's owner, conversation and status; `endedAt` is set once, when the reply ends (reply.finalizer). */
    reply: (replyId: string) => `${prefix}:reply:${replyId}`,
    replyEvents: (replyId: string) => `${prefix}:reply:${replyId}:events`,
    /** Pub/sub channel on which each entry added to a reply's stream is announced (lua/includes/publishEvent.lua). */
    replyLive: (replyId: string) => `${prefix}:reply:${replyId}:live`,
    replyCancel: (replyId: string) => `${prefix}:reply:${replyId}:cancel`,
    /** Pub/sub channel on which a cancel reaches the worker that owns the job. */
    cancelChannel: `${prefix}:cancel`,
    /**
     * The LLM provider's rate-limit budget the chat fleet shares (lua/providerAcquire-5.lua): its
     * limits and levels as the provider's headers last told them, and a 429's pause of every worker.
     */
    providerBudget: `${prefix}:provider:budget`,
    /** LLM calls running, by lease end; calls waiting for budget, by when they began to wait; their leases. */
    providerCalls: `${prefix}:provider:calls`,
    providerWaiting: `${prefix}:provider:waiting`,
    providerWaitLeases: `${prefix}:provider:waiting:leases`,
    /** Calls let go whose answer has not come yet: the provider has not counted them. */
    providerPending: `${prefix}:provider:pending`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
