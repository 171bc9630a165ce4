export function RadarScreen() {
  return (
    <section className="screen" aria-labelledby="conflicts-title">
      <h1 id="conflicts-title">Conflicts</h1>
    </section>
  );
}
