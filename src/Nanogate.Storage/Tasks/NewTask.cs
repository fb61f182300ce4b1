using Nanogate.Storage.Ledger;

namespace Nanogate.Storage.Tasks;

/// <summary>What a submission writes: the task, its n image rows, and the hold on n × price credits.</summary>
/// <param name="Id">task_….</param>
/// <param name="AccountId">The owner.</param>
/// <param name="Model">Catalog model id.</param>
/// <param name="RequestJson">The normalised request.</param>
/// <param name="RequestId">req_….</param>
/// <param name="BaseUrl">scheme://host of the submission.</param>
/// <param name="N">Images.</param>
/// <param name="Price">Credits per image.</param>
/// <param name="CallbackUrl">callback_url.</param>
/// <param name="WebhookUrl">{webhook}/callback.</param>
/// <param name="Idempotency">The idempotency key to complete in the same transaction, with the answer to replay.</param>
public sealed record NewTask(
    string Id,
    string AccountId,
    string Model,
    string RequestJson,
    string RequestId,
    string BaseUrl,
    int N,
    int Price,
    string? CallbackUrl,
    string? WebhookUrl,
    IdempotentResponse? Idempotency)
{
    /// <summary>The API key that submitted the task: recorded on its reservation, and its spending cap checked with the hold.</summary>
    public KeyHold? Key { get; init; }
}
