/** The CIMD draft revision this library implements; printed by the CLI and the server at start. */
export const IMPLEMENTED_DRAFT = 'draft-ietf-oauth-client-id-metadata-document-03';

/** The names of the built-in validation profiles. */
export type ProfileName = 'draft-03' | 'mcp-2025-11-25';

/**
 * A validation profile: which rules beyond draft-03 apply (draft-03 §4 lets other specifications
 * add restrictions, R19).
 */
export interface Profile {
  readonly name: ProfileName;
  readonly description: string;
  /** `client_name` must be a non-empty string (MCP M-C3, M-AS5). */
  readonly requireClientName: boolean;
  /** `redirect_uris` must be present and non-empty, whatever the grants (MCP M-C3, M-AS5). */
  readonly requireRedirectUris: boolean;
  /**
   * When the client and this server share an authenticated method, `none` is refused (MCP
   * SEP-3149). Off in draft-03, where the client may use any mutually supported method (R53).
   */
  readonly rejectNoneWhenAuthenticatedShared: boolean;
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  'draft-03': {
    name: 'draft-03',
    description: `${IMPLEMENTED_DRAFT} as published`,
    requireClientName: false,
    requireRedirectUris: false,
    rejectNoneWhenAuthenticatedShared: false,
  },
  'mcp-2025-11-25': {
    name: 'mcp-2025-11-25',
    description: 'MCP authorization 2025-11-25: also requires client_name and redirect_uris',
    requireClientName: true,
    requireRedirectUris: true,
    rejectNoneWhenAuthenticatedShared: false,
  },
};

/** Whether a string names a built-in profile. */
export function isProfileName(value: string): value is ProfileName {
  return Object.hasOwn(PROFILES, value);
}

/** Resolve a profile by name or pass a custom one through; defaults to draft-03. */
export function resolveProfile(profile: ProfileName | Profile | undefined): Profile {
  if (profile === undefined) return PROFILES['draft-03'];
  return typeof profile === 'string' ? PROFILES[profile] : profile;
}
