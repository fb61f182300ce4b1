namespace Nanogate.Tasks.Wire;

/// <summary>A task's credits: once it has ended, reserved = charged + refunded.</summary>
/// <param name="Reserved">Held at submission (n × the price per image).</param>
/// <param name="Charged">For succeeded images only.</param>
/// <param name="Refunded">Given back for failed and canceled images.</param>
internal sealed record TaskCreditsView(long Reserved, long Charged, long Refunded);
