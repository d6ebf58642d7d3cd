/** What a key may do: publish events, read them, or administer (topics, groups, dead letters, keys). */
export type Permission = 'produce' | 'consume' | 'admin';

/** The permissions a key has on a set of topics. */
export interface Scope {
  readonly permission: Permission;
  /**
   * Topic patterns: an exact name (`orders`), a prefix ending in `*` (`orders.*` matches
   * `orders.eu` and `orders.eu.late`, not `orders`), or `*` for every topic.
   */
  readonly topics: readonly string[];
}

/** An API key as stored in the keys file: only a salted scrypt hash of its secret, never the secret. */
export interface ApiKeyRecord {
  /** Public id, the middle part of `trib_<id>_<secret>`: letters and digits. */
  readonly id: string;
  /** scrypt(secret, salt), hex. */
  readonly hash: string;
  /** Per-key random salt, hex. */
  readonly salt: string;
  /** The tenant the key acts for; absent: every tenant (an operator's key). */
  readonly tenant?: string | undefined;
  readonly scopes: readonly Scope[];
  /** RFC 3339 creation time. */
  readonly createdAt: string;
  /** An optional label for people (`ci`, `billing-service`). */
  readonly name?: string | undefined;
}

/** Who is making a request. */
export interface Principal {
  /** The key's id; `'anonymous'` when auth is off. */
  readonly keyId: string;
  /** The key's tenant; `undefined` only for a key without tenant (all tenants) or when auth is off. */
  readonly tenant: string | undefined;
  /**
   * Whether the principal may do `permission` on `topic` (any topic when omitted: "on some
   * topic"). `admin` includes `produce` and `consume` on the same topics.
   */
  can(permission: Permission, topic?: string): boolean;
}

/** Authenticates requests by API key. */
export interface Authenticator {
  /** False when no keys are configured: every request is the anonymous, all-powerful principal. */
  readonly enabled: boolean;
  /**
   * The principal of a request, or `undefined` for no or bad credentials (→ 401). Reads
   * `Authorization: Bearer <key>`, else `x-api-key: <key>`.
   */
  authenticate(headers: Headers): Promise<Principal | undefined>;
}
