"use client";

export default function Error({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="auth">
      <div className="card">
        <h1>Something went wrong</h1>
        <p role="alert" className="alert">
          The page could not be loaded. The API may be unavailable.
        </p>
        <button type="button" className="button" onClick={() => reset()}>
          Try again
        </button>
      </div>
    </main>
  );
}
