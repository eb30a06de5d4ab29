import type { UserStore } from '../store/users.js';
import { dummyPasswordHash, verifyPassword } from './password.js';

export type AuthenticationResult = { readonly ok: true; readonly userId: string } | { readonly ok: false };

/**
 * Where users are checked. The server ships local accounts; an operator can bring their own
 * identity source (LDAP, an upstream IdP, ...) by implementing this one method. Throttling of
 * failed attempts happens outside, so it applies to every authenticator.
 */
export interface Authenticator {
  authenticate(credentials: { readonly username: string; readonly password: string }): Promise<AuthenticationResult>;
}

/** Local accounts from the user store, with scrypt password hashes. */
export function localAuthenticator(users: UserStore): Authenticator {
  return {
    async authenticate({ username, password }) {
      const user = await users.findByUsername(username.trim().toLowerCase());
      if (user === undefined || user.disabled === true) {
        await verifyPassword(password, await dummyPasswordHash()); // same work for unknown users
        return { ok: false };
      }
      return (await verifyPassword(password, user.passwordHash)) ? { ok: true, userId: user.id } : { ok: false };
    },
  };
}
