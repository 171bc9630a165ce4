export function PlanningScreen() {
  return (
    <section className="screen" aria-labelledby="plan-title">
      <h1 id="plan-title">Plan</h1>
    </section>
  );
}
