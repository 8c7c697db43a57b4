import { Link } from 'react-router';

export function HomePage() {
  return (
    <section className="hero">
      <h1>Chat, images and synthetic data — free to start</h1>
      <p className="muted">
        Synthwell gives you chat and image models on a free plan, premium models and higher limits for a monthly fee,
        and a studio for synthetic training data that is graded, de-duplicated and measured for collapse risk.
      </p>
      <p className="hero-actions">
        <Link className="btn btn-primary" to="/signup">
          Create a free account
        </Link>
        <Link className="btn btn-secondary" to="/signin">
          Sign in
        </Link>
      </p>
      <p>
        <Link to="/status">Platform status</Link>
      </p>
    </section>
  );
}
