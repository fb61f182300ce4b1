using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary>Idempotency keys of <see cref="ITaskStore"/>: one request per key starts, the rest replay, conflict or wait.</summary>
public abstract class IdempotencyContract : StoreContractTest
{
    private const long Day = 86_400_000;
    private const long Minute = 60_000;

    private Task<IdempotencyOutcome> BeginAsync(string key, string hash, long now, StoreInstance? on = null) =>
        (on ?? Store).Tasks.BeginIdempotentAsync(AccountId, key, hash, now, now - Day, now - Minute, Ct);

    private NewTask TaskWith(string key, IdempotentResponse answer) =>
        new(Ids.New("task_"), AccountId, "model-a", "{}", "req_x", "http://h", 1, 45, null, null, answer with { Key = key });

    [ContractFact]
    public async Task A_new_key_starts_and_the_same_request_again_waits_while_it_is_in_flight()
    {
        Assert.Equal(new IdempotencyOutcome(IdempotencyState.Started, null), await BeginAsync("k1", "h1", T0));
        Assert.Equal(new IdempotencyOutcome(IdempotencyState.InFlight, null), await BeginAsync("k1", "h1", T0 + 1));
        Assert.Equal(new IdempotencyOutcome(IdempotencyState.Mismatch, null), await BeginAsync("k1", "other", T0 + 2));
    }

    [ContractFact]
    public async Task A_completed_key_replays_its_answer_and_a_different_body_is_a_mismatch()
    {
        await BeginAsync("k1", "h1", T0);
        await Store.Tasks.CompleteIdempotentAsync(AccountId, "k1", 201, """{"id":"x"}""", "/v1/tasks/x", Ct);

        Assert.Equal(new IdempotencyOutcome(IdempotencyState.Replay, new IdempotentResponse("k1", 201, """{"id":"x"}""", "/v1/tasks/x")), await BeginAsync("k1", "h1", T0 + 1));
        Assert.Equal(IdempotencyState.Mismatch, (await BeginAsync("k1", "h2", T0 + 1)).State);
    }

    [ContractFact]
    public async Task Keys_belong_to_one_account()
    {
        var beta = (await Store.Accounts.CreateAccountAsync("beta", 0, Ct)).Id;
        await BeginAsync("shared", "h1", T0);

        Assert.Equal(IdempotencyState.Started, (await Store.Tasks.BeginIdempotentAsync(beta, "shared", "h2", T0, T0 - Day, T0 - Minute, Ct)).State);
    }

    [ContractFact]
    public async Task A_task_created_with_its_key_replays_the_stored_answer_and_a_held_one_stays_in_flight_until_completed()
    {
        await BeginAsync("done", "h1", T0);
        Assert.NotNull(await Store.Tasks.CreateAsync(TaskWith("done", new IdempotentResponse("", 202, """{"status":"pending"}""", "/t/1")), T0, Ct));
        Assert.Equal(new IdempotentResponse("done", 202, """{"status":"pending"}""", "/t/1"), (await BeginAsync("done", "h1", T0 + 1)).Response);

        await BeginAsync("held", "h2", T0);
        Assert.NotNull(await Store.Tasks.CreateAsync(TaskWith("held", new IdempotentResponse("", 202, """{"status":"pending"}""", "/t/2", Held: true)), T0, Ct));
        Assert.Equal(IdempotencyState.InFlight, (await BeginAsync("held", "h2", T0 + 1)).State);
        // Its request died holding it: the stored answer replays instead of a second task.
        Assert.Equal(new IdempotencyOutcome(IdempotencyState.Replay, new IdempotentResponse("held", 202, """{"status":"pending"}""", "/t/2")), await BeginAsync("held", "h2", T0 + Minute + 1));

        await Store.Tasks.CompleteIdempotentAsync(AccountId, "held", 200, """{"status":"succeeded"}""", null, Ct);
        Assert.Equal(new IdempotentResponse("held", 200, """{"status":"succeeded"}""", null), (await BeginAsync("held", "h2", T0 + 2)).Response);
    }

    [ContractFact]
    public async Task An_abandoned_key_in_flight_is_forgotten_but_a_done_key_is_kept()
    {
        await BeginAsync("a", "h1", T0);
        await Store.Tasks.AbandonIdempotentAsync(AccountId, "a", Ct);
        Assert.Equal(IdempotencyState.Started, (await BeginAsync("a", "h2", T0 + 1)).State);

        await BeginAsync("d", "h1", T0);
        await Store.Tasks.CompleteIdempotentAsync(AccountId, "d", 200, "{}", null, Ct);
        await Store.Tasks.AbandonIdempotentAsync(AccountId, "d", Ct);
        Assert.Equal(IdempotencyState.Replay, (await BeginAsync("d", "h1", T0 + 1)).State);
    }

    [ContractFact]
    public async Task A_key_whose_request_died_without_an_answer_starts_again_and_an_expired_key_is_forgotten()
    {
        await BeginAsync("dead", "h1", T0);
        Assert.Equal(IdempotencyState.InFlight, (await BeginAsync("dead", "h1", T0 + Minute)).State);
        Assert.Equal(IdempotencyState.Started, (await BeginAsync("dead", "h2", T0 + Minute + 1)).State);

        await BeginAsync("old", "h1", T0);
        await Store.Tasks.CompleteIdempotentAsync(AccountId, "old", 200, "{}", null, Ct);
        Assert.Equal(IdempotencyState.Replay, (await BeginAsync("old", "h1", T0 + Day)).State);
        Assert.Equal(IdempotencyState.Started, (await BeginAsync("old", "h2", T0 + Day + 1)).State);
    }

    [ContractFact]
    public async Task Pruning_deletes_the_keys_created_before_the_cutoff_whatever_their_state()
    {
        await BeginAsync("k1", "h", T0);
        await BeginAsync("k2", "h", T0 + 10);
        await Store.Tasks.CompleteIdempotentAsync(AccountId, "k2", 200, "{}", null, Ct);
        await BeginAsync("k3", "h", T0 + 20);

        Assert.Equal(2, await Store.Tasks.PruneIdempotencyAsync(T0 + 20, Ct));

        Assert.Equal(IdempotencyState.Started, (await BeginAsync("k2", "h", T0 + 30)).State);
        Assert.Equal(IdempotencyState.InFlight, (await BeginAsync("k3", "h", T0 + 30)).State);
    }

    [ContractFact]
    public async Task Of_many_requests_with_one_key_from_two_instances_exactly_one_starts()
    {
        await using var second = await StartSecondInstanceAsync();

        for (var round = 0; round < 10; round++)
        {
            var key = $"race_{round}";
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => BeginAsync(key, "h", T0, i % 2 == 0 ? Store : second)));

            Assert.Single(outcomes, o => o.State == IdempotencyState.Started);
            Assert.All(outcomes.Where(o => o.State != IdempotencyState.Started), o => Assert.Equal(IdempotencyState.InFlight, o.State));
        }
    }
}
