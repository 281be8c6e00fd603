// The dashboard's entry: the token form, and a hash router over the three views (#/, #/experiment/<id>,
// #/candidate/<id>). The page speaks only the public GraphQL API; esbuild bundles it into dist/web at build time.
import { setToken } from './api.js';
import { h } from './dom.js';
import { currentCaller, refreshCaller } from './session.js';
import { renderCandidate } from './views/candidate.js';
import { renderExperiment } from './views/experiment.js';
import { renderList } from './views/list.js';

const app = document.getElementById('app') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;
let cleanup: (() => void) | undefined;

const route = async (): Promise<void> => {
  cleanup?.();
  cleanup = undefined;
  const [path = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  try {
    if (parts[0] === 'experiment' && parts[1] !== undefined) cleanup = renderExperiment(app, parts[1]);
    else if (parts[0] === 'candidate' && parts[1] !== undefined) await renderCandidate(app, parts[1]);
    else cleanup = await renderList(app);
  } catch (error) {
    const code = (error as { code?: string }).code;
    app.replaceChildren(
      h(
        'p',
        { class: 'error', role: 'alert' },
        `${code ?? 'ERROR'}: ${error instanceof Error ? error.message : String(error)}`,
      ),
      ...(code === 'UNAUTHENTICATED' ? [h('p', {}, 'Sign in with an API token above.')] : []),
    );
  }
};

const showCaller = async (): Promise<void> => {
  try {
    await refreshCaller();
  } catch {
    // An invalid token: the server refuses it; show it as signed out.
  }
  const caller = currentCaller();
  who.textContent = caller === null ? 'not signed in' : `${caller.subject} (${caller.role})`;
};

document.getElementById('token-form')?.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('token') as HTMLInputElement;
  setToken(input.value.trim());
  input.value = '';
  void showCaller().then(route);
});
document.getElementById('sign-out')?.addEventListener('click', () => {
  setToken(null);
  void showCaller().then(route);
});
window.addEventListener('hashchange', () => void route());
void showCaller().then(route);
