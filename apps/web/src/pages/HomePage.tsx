import { Link } from 'react-router';

export function HomePage() {
  return (
    <section>
      <h1>Synthwell</h1>
      <p>Free and premium access to chat, image and synthetic-data models.</p>
      <p>
        <Link to="/status">Platform status</Link>
      </p>
    </section>
  );
}
