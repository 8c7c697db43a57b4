import { BrowserRouter, NavLink, Route, Routes } from 'react-router';
import { HomePage } from './pages/HomePage';
import { StatusPage } from './pages/StatusPage';

export function App() {
  return (
    <BrowserRouter>
      <header className="topbar">
        <span className="brand">Synthwell</span>
        <nav aria-label="Main">
          <NavLink to="/">Home</NavLink>
          <NavLink to="/status">Status</NavLink>
        </nav>
      </header>
      <main>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/status" element={<StatusPage />} />
          <Route path="*" element={<p>Page not found.</p>} />
        </Routes>
      </main>
    </BrowserRouter>
  );
}
