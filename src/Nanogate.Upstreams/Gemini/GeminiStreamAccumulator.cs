using System.Text;

namespace Nanogate.Upstreams.Gemini;

/// <summary>Folds the events of a streamGenerateContent call into one <see cref="GeminiResponseSummary"/>.</summary>
public sealed class GeminiStreamAccumulator
{
    private readonly StringBuilder _text = new();
    private GeminiUsage? _usage;
    private string? _finishReason;
    private string? _finishMessage;
    private string? _blockReason;
    private GeminiImage? _finalImage;
    private int _imageCount;
    private string? _modelVersion;

    /// <summary>How many events were added (valid ones only).</summary>
    public int EventCount { get; private set; }

    /// <summary>Adds one SSE event's JSON. Returns false when it is not a complete JSON object.</summary>
    public bool Add(ReadOnlySpan<byte> eventJson, bool decodeImage = true)
    {
        var summary = GeminiResponseReader.Read(eventJson, decodeImage);
        if (summary is null)
        {
            return false;
        }

        Add(summary);
        return true;
    }

    /// <summary>Adds the summary of one event already read (by a scanner that relayed it).</summary>
    public void Add(GeminiResponseSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        EventCount++;
        // usageMetadata is cumulative on every chunk, so the last one wins; so do the other scalars.
        _usage = summary.Usage ?? _usage;
        _finishReason = summary.FinishReason ?? _finishReason;
        _finishMessage = summary.FinishMessage ?? _finishMessage;
        _blockReason = summary.BlockReason ?? _blockReason;
        _modelVersion = summary.ModelVersion ?? _modelVersion;
        _finalImage = summary.FinalImage ?? _finalImage;
        _imageCount += summary.ImageCount;
        _text.Append(summary.Text);
    }

    /// <summary>The summary of everything added so far (usage from the last event that had it; text concatenated; final image the last non-thought one).</summary>
    public GeminiResponseSummary Result => new()
    {
        Usage = _usage,
        FinishReason = _finishReason,
        FinishMessage = _finishMessage,
        BlockReason = _blockReason,
        Text = _text.ToString(),
        FinalImage = _finalImage,
        ImageCount = _imageCount,
        ModelVersion = _modelVersion,
    };
}
