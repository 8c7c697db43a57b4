import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { RequireAuth } from './features/auth/RequireAuth';
import { SignInPage } from './features/auth/SignInPage';
import { SignUpPage } from './features/auth/SignUpPage';
import { useSession } from './features/auth/session';
import { Layout } from './Layout';
import { queryClient } from './lib/trpc';
import { HomePage } from './pages/HomePage';
import { Loading } from './ui/Notice';
import { ToastProvider } from './ui/Toast';

// Every feature page is its own chunk, so the first load carries only the shell and the sign-in forms.
const ChatPage = lazy(() => import('./features/chat/ChatPage'));
const ImagesPage = lazy(() => import('./features/images/ImagesPage'));
const KeysPage = lazy(() => import('./features/keys/KeysPage'));
const UsagePage = lazy(() => import('./features/usage/UsagePage'));
const BillingPage = lazy(() => import('./features/billing/BillingPage'));
const StudioPage = lazy(() => import('./features/synthetic/StudioPage'));
const JobPage = lazy(() => import('./features/synthetic/JobPage'));
const LabPage = lazy(() => import('./features/synthetic/LabPage'));
const AdminPage = lazy(() => import('./features/admin/AdminPage'));
const StatusPage = lazy(() => import('./pages/StatusPage'));

function Private({ admin, children }: { admin?: boolean; children: ReactNode }) {
  return (
    <RequireAuth admin={admin ?? false}>
      <Suspense fallback={<Loading />}>{children}</Suspense>
    </RequireAuth>
  );
}

function Home() {
  const session = useSession();
  return session.data ? <Navigate to="/chat" replace /> : <HomePage />;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <BrowserRouter>
          <Routes>
            <Route element={<Layout />}>
              <Route path="/" element={<Home />} />
              <Route path="/signin" element={<SignInPage />} />
              <Route path="/signup" element={<SignUpPage />} />
              <Route
                path="/status"
                element={
                  <Suspense fallback={<Loading />}>
                    <StatusPage />
                  </Suspense>
                }
              />
              <Route
                path="/chat/:conversationId?"
                element={
                  <Private>
                    <ChatPage />
                  </Private>
                }
              />
              <Route
                path="/images"
                element={
                  <Private>
                    <ImagesPage />
                  </Private>
                }
              />
              <Route
                path="/studio"
                element={
                  <Private>
                    <StudioPage />
                  </Private>
                }
              />
              <Route
                path="/studio/:jobId"
                element={
                  <Private>
                    <JobPage />
                  </Private>
                }
              />
              <Route
                path="/lab"
                element={
                  <Private>
                    <LabPage />
                  </Private>
                }
              />
              <Route
                path="/keys"
                element={
                  <Private>
                    <KeysPage />
                  </Private>
                }
              />
              <Route
                path="/usage"
                element={
                  <Private>
                    <UsagePage />
                  </Private>
                }
              />
              <Route
                path="/billing"
                element={
                  <Private>
                    <BillingPage />
                  </Private>
                }
              />
              <Route
                path="/admin"
                element={
                  <Private admin>
                    <AdminPage />
                  </Private>
                }
              />
              <Route path="*" element={<p>Page not found.</p>} />
            </Route>
          </Routes>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
