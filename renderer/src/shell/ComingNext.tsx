/** A screen whose feature has not landed yet. It says so plainly and offers nothing that pretends to work. */
export function ComingNext({ title, what }: { title: string; what: string }) {
  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">{title}</h1>
      </header>
      <div className="card coming-next">
        <p className="coming-next-label">Not built yet</p>
        <p>{what}</p>
        <p className="muted">This screen arrives with the next release of Lanes. Nothing here works yet, so nothing here pretends to.</p>
      </div>
    </section>
  );
}
