import { hashPassword } from '../auth/password.js';
import type { Stores } from '../store/stores.js';
import type { Random } from '../util/random.js';

/** Create a local account; returns its id. The user name is stored lower-cased. */
export async function createUser(
  stores: Stores,
  random: Random,
  username: string,
  password: string,
  now: number,
): Promise<string> {
  const name = username.trim().toLowerCase();
  if (!/^[a-z0-9._@-]{1,64}$/.test(name)) {
    throw new Error(`The user name "${username}" must be 1-64 characters of a-z, 0-9, ".", "_", "@" or "-"`);
  }
  if (password.length < 12) throw new Error('The password must have at least 12 characters');
  if ((await stores.users.findByUsername(name)) !== undefined) throw new Error(`The user "${name}" already exists`);
  const id = `u_${random.token(12)}`;
  await stores.users.create({ id, username: name, passwordHash: await hashPassword(password), createdAt: now });
  return id;
}

/** Set a new password for an existing account. */
export async function resetPassword(stores: Stores, username: string, password: string): Promise<void> {
  if (password.length < 12) throw new Error('The password must have at least 12 characters');
  const user = await stores.users.findByUsername(username.trim().toLowerCase());
  if (user === undefined) throw new Error(`There is no user "${username}"`);
  await stores.users.setPasswordHash(user.id, await hashPassword(password));
}

/** Disable (or enable again) an account: it cannot sign in, and its grants stop working at once. */
export async function setUserDisabled(stores: Stores, username: string, disabled: boolean): Promise<void> {
  const user = await stores.users.findByUsername(username.trim().toLowerCase());
  if (user === undefined) throw new Error(`There is no user "${username}"`);
  await stores.users.setDisabled(user.id, disabled);
}

/** A readable random password (about 95 bits). */
export function generatePassword(random: Random): string {
  return random.token(12).replace(/[-_]/g, 'x');
}
