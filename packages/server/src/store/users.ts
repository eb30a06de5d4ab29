/** A local account. Subjects are opaque ids that never start with "https://" (H16). */
export interface UserRecord {
  readonly id: string;
  readonly username: string;
  /** A self-describing password hash (see server/src/auth/password.ts). */
  readonly passwordHash: string;
  readonly createdAt: number;
  readonly disabled?: boolean;
}

/** Local accounts. Contract: usernames are unique, compared as given (callers normalise). */
export interface UserStore {
  create(user: UserRecord): Promise<void>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Disable or enable an account (a disabled one cannot sign in, and its grants stop working). */
  setDisabled(id: string, disabled: boolean): Promise<void>;
}
