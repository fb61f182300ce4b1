using System.Globalization;
using System.Text.RegularExpressions;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// The fault markers found in a prompt. <c>[sim:slow:MS]</c> adds MS milliseconds of latency and
/// combines with any fault; of several faults the first in the prompt wins. <c>[sim:KIND:N]</c>
/// injects the fault only into the first N calls carrying that exact prompt (then answers normally),
/// so a test can fail one image of a task, or make a retry succeed. Matching ignores case.
/// </summary>
/// <param name="Fault">The injected fault, or <see cref="SimulatorFault.None"/>.</param>
/// <param name="ExtraLatencyMs">Milliseconds added by <c>[sim:slow:MS]</c> markers (summed, capped at 10 minutes).</param>
/// <param name="FaultCalls">For <c>[sim:KIND:N]</c>: N; null when the fault applies to every call.</param>
/// <param name="StallMs">For <c>[sim:stall:MS]</c>: an answer (streaming: its final image event) pauses MS milliseconds after its first half.</param>
internal sealed partial record SimulatorMarkers(SimulatorFault Fault, int ExtraLatencyMs, int? FaultCalls = null, int StallMs = 0)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> CallsByPrompt = new(StringComparer.Ordinal);

    /// <summary>
    /// The fault for this call: for a counted marker, only while the prompt has been seen at most N
    /// times (counted in this process; the count table is cleared if it ever grows large).
    /// </summary>
    public SimulatorFault FaultForThisCall(string prompt)
    {
        if (FaultCalls is not { } limit)
        {
            return Fault;
        }

        if (CallsByPrompt.Count > 10_000)
        {
            CallsByPrompt.Clear();
        }

        return CallsByPrompt.AddOrUpdate(prompt, 1, (_, n) => n + 1) <= limit ? Fault : SimulatorFault.None;
    }

    private const int MaxExtraLatencyMs = 600_000;

    /// <summary>Finds the markers in <paramref name="prompt"/>.</summary>
    public static SimulatorMarkers Parse(string prompt)
    {
        var fault = SimulatorFault.None;
        int? faultCalls = null;
        var extra = 0L;
        var stall = 0L;
        if (!prompt.Contains("[sim:", StringComparison.OrdinalIgnoreCase))
        {
            return new SimulatorMarkers(fault, 0);
        }

        foreach (Match match in MarkerPattern().Matches(prompt))
        {
            var kind = match.Groups["kind"].Value.ToLowerInvariant();
            var argument = match.Groups["arg"];
            if (kind == "slow")
            {
                if (argument.Success && long.TryParse(argument.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                {
                    extra = Math.Min(MaxExtraLatencyMs, extra + ms);
                }

                continue;
            }

            if (kind == "stall")
            {
                if (argument.Success && long.TryParse(argument.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                {
                    stall = Math.Min(MaxExtraLatencyMs, stall + ms);
                }

                continue;
            }

            if (fault == SimulatorFault.None)
            {
                faultCalls = argument.Success && int.TryParse(argument.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var calls) ? calls : null;
                fault = kind switch
                {
                    "429" => SimulatorFault.RateLimited,
                    "500" => SimulatorFault.Internal,
                    "503" => SimulatorFault.Unavailable,
                    "timeout" => SimulatorFault.Timeout,
                    "malformed" => SimulatorFault.Malformed,
                    "blocked" => SimulatorFault.Blocked,
                    "noimage" => SimulatorFault.NoImage,
                    "cut" => SimulatorFault.Cut,
                    "corrupt" => SimulatorFault.Corrupt,
                    _ => SimulatorFault.None,
                };
            }
        }

        return new SimulatorMarkers(fault, (int)extra, fault == SimulatorFault.None ? null : faultCalls, (int)stall);
    }

    [GeneratedRegex(@"\[sim:(?<kind>[a-z0-9]+)(?::(?<arg>\d{1,12}))?\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MarkerPattern();
}
