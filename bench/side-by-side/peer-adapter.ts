/**
 * A storage adapter for the peer (node-oidc-provider's adapter interface): plain Maps, every
 * operation O(1), as a production adapter over Redis would be. The peer's own development adapter
 * is not used because it would measure itself, not the peer: it keeps at most 1,000 entries (the
 * benchmark's prepared codes and sessions would be evicted), and it re-scans every token of a
 * grant on each save (`setGrantMembers`), which grows with every code issued under one grant.
 */

/** The models whose records belong to a grant (revoked together). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

interface Entry {
  readonly payload: Payload;
  readonly expiresAt: number;
}

/** An adapter factory for the peer's `adapter` option: `(model) => adapter`. */
export function createPeerAdapter(): (model: string) => unknown {
  const records = new Map<string, Entry>();
  const sessionByUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();
  const grants = new Map<string, Set<string>>();

  class MapAdapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      records.set(key, { payload, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity });
      if (this.model === 'Session' && typeof payload.uid === 'string') sessionByUid.set(payload.uid, id);
      if (typeof payload.userCode === 'string') byUserCode.set(payload.userCode, id);
      if (GRANTABLE.has(this.model) && typeof payload.grantId === 'string') {
        let members = grants.get(payload.grantId);
        if (members === undefined) grants.set(payload.grantId, (members = new Set()));
        members.add(key);
      }
      return Promise.resolve();
    }

    find(id: string): Promise<Payload | undefined> {
      const key = this.key(id);
      const entry = records.get(key);
      if (entry === undefined) return Promise.resolve(undefined);
      if (entry.expiresAt <= Date.now()) {
        records.delete(key);
        return Promise.resolve(undefined);
      }
      return Promise.resolve(entry.payload);
    }

    findByUid(uid: string): Promise<Payload | undefined> {
      const id = sessionByUid.get(uid);
      return id === undefined ? Promise.resolve(undefined) : this.find(id);
    }

    findByUserCode(userCode: string): Promise<Payload | undefined> {
      const id = byUserCode.get(userCode);
      return id === undefined ? Promise.resolve(undefined) : this.find(id);
    }

    consume(id: string): Promise<void> {
      const entry = records.get(this.key(id));
      if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
      return Promise.resolve();
    }

    destroy(id: string): Promise<void> {
      const key = this.key(id);
      const grantId = records.get(key)?.payload.grantId;
      records.delete(key);
      if (grantId !== undefined) grants.get(grantId)?.delete(key);
      return Promise.resolve();
    }

    revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) records.delete(key);
      grants.delete(grantId);
      return Promise.resolve();
    }
  }

  return (model) => new MapAdapter(model);
}
