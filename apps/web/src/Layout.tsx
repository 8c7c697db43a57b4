import { useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useSession, useSignOut } from './features/auth/session';
import { applyTheme, storedTheme, type Theme } from './lib/theme';

const USER_LINKS = [
  ['/chat', 'Chat'],
  ['/images', 'Images'],
  ['/studio', 'Studio'],
  ['/lab', 'Lab'],
  ['/keys', 'API keys'],
  ['/usage', 'Usage'],
  ['/billing', 'Billing'],
] as const;

const NEXT_THEME: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };

function ThemeToggle() {
  const [theme, setTheme] = useState(storedTheme);
  const next = NEXT_THEME[theme];
  return (
    <button
      type="button"
      className="btn btn-ghost btn-small"
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
      aria-label={`Theme: ${theme}. Switch to ${next}.`}
    >
      {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'} <span className="hide-narrow">{theme}</span>
    </button>
  );
}

export function Layout() {
  const session = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const user = session.data?.user;
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          Synthwell
        </NavLink>
        {user && (
          <nav aria-label="Main">
            {USER_LINKS.map(([to, label]) => (
              <NavLink key={to} to={to}>
                {label}
              </NavLink>
            ))}
            {user.role === 'admin' && <NavLink to="/admin">Admin</NavLink>}
          </nav>
        )}
        <div className="topbar-end">
          <ThemeToggle />
          {user ? (
            <>
              <span className="muted hide-narrow" data-testid="signed-in-as">
                {user.email}
              </span>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/signin') })}
              >
                Sign out
              </button>
            </>
          ) : (
            <NavLink to="/signin">Sign in</NavLink>
          )}
        </div>
      </header>
      <main id="content" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
