// Who the page is signed in as: the `me` query answers with the token's subject and role (or null when open or
// signed out). Views show action buttons only to operators and admins.
import { gql } from './api.js';

export interface Caller {
  subject: string;
  role: 'viewer' | 'operator' | 'admin';
}

let caller: Caller | null = null;

export const refreshCaller = async (): Promise<Caller | null> => {
  caller = (await gql<{ me: Caller | null }>('{ me { subject role } }')).me;
  return caller;
};

export const canOperate = (): boolean => caller !== null && (caller.role === 'operator' || caller.role === 'admin');
export const currentCaller = (): Caller | null => caller;
