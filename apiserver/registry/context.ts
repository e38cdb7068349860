// What a write carries besides its body: who asks, as which field manager, whether it is a dry
// run, how unknown fields are treated, and the warnings collected for the response headers.
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteContext {
  user: UserInfo;
  fieldManager: string;
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** A server-side apply, which records its own managedFields entry. */
  applying?: boolean;
  /** Warnings for `Warning: 299 - "..."` response headers. */
  warnings: string[];
}
