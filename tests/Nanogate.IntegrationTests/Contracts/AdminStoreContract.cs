using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Admin;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="IAdminStore"/>: account search and changes, deductions, the task search, webhook re-sends and the audit log.</summary>
public abstract class AdminStoreContract : StoreContractTest
{
    private async Task<string> SubmitAsync(string accountId, string model, long at, string prompt)
    {
        var id = Ids.New("task_");
        var request = $$"""{"prompt":"{{prompt}}","n":1}""";
        Assert.NotNull(await Store.Tasks.CreateAsync(new NewTask(id, accountId, model, request, "req_x", "http://h", 1, 45, null, null, null), at, Ct));
        return id;
    }

    [ContractFact]
    public async Task Accounts_page_newest_first_with_a_total_and_search_by_id_or_any_part_of_the_name()
    {
        var names = new[] { "Acme Corp", "acme labs", "Globex", "100%_real" };
        var ids = new List<string> { AccountId };
        foreach (var name in names)
        {
            ids.Add((await Store.Accounts.CreateAccountAsync(name, 0, Ct)).Id);
        }

        // Created within the same millisecond possibly: the order is created_at DESC, then id; paging must neither skip nor repeat.
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await Store.Admin.SearchAccountsAsync(null, 2, after, Ct);
            Assert.Equal(5, page.Total);
            seen.AddRange(page.Data.Select(a => a.Id));
            after = page.HasMore ? page.Data[^1].Id : null;
            pages++;
        }
        while (after is not null);
        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(5, seen.Distinct().Count());

        var acme = await Store.Admin.SearchAccountsAsync("ACME", 50, null, Ct);
        Assert.Equal(2, acme.Total);
        Assert.Equal(["Acme Corp", "acme labs"], acme.Data.Select(a => a.Name).Order(StringComparer.Ordinal));

        // LIKE wildcards in the search are literal characters.
        Assert.Equal(["100%_real"], (await Store.Admin.SearchAccountsAsync("%_", 50, null, Ct)).Data.Select(a => a.Name));
        Assert.Equal(1, (await Store.Admin.SearchAccountsAsync("_", 50, null, Ct)).Total);
        Assert.Equal([ids[3]], (await Store.Admin.SearchAccountsAsync(ids[3], 50, null, Ct)).Data.Select(a => a.Id));
    }

    [ContractFact]
    public async Task Rename_and_disable_change_the_account_and_report_unknown_ones()
    {
        Assert.True(await Store.Admin.RenameAccountAsync(AccountId, "alpha two", Ct));
        Assert.Null((await Store.Admin.GetAccountAsync(AccountId, Ct))!.DisabledAt);
        Assert.True(await Store.Admin.SetAccountDisabledAsync(AccountId, true, T0, Ct));
        Assert.True(await Store.Admin.SetAccountDisabledAsync(AccountId, true, T0 + 5, Ct));
        var account = await Store.Admin.GetAccountAsync(AccountId, Ct);
        Assert.Equal(new AccountSummary(AccountId, "alpha two", account!.CreatedAt, 1000, T0), account);
        Assert.True(await Store.Admin.SetAccountDisabledAsync(AccountId, false, T0 + 10, Ct));
        Assert.Null((await Store.Admin.GetAccountAsync(AccountId, Ct))!.DisabledAt);

        Assert.False(await Store.Admin.RenameAccountAsync("acct_nope", "x", Ct));
        Assert.False(await Store.Admin.SetAccountDisabledAsync("acct_nope", true, T0, Ct));
        Assert.Null(await Store.Admin.GetAccountAsync("acct_nope", Ct));
    }

    [ContractFact]
    public async Task A_deduction_takes_available_credits_with_a_ledger_entry_and_never_goes_below_zero()
    {
        var held = await Store.Ledger.TryReserveAsync(AccountId, 300, "sync", "m", Ct);
        Assert.NotNull(held);

        var done = await Store.Admin.DeductAsync(AccountId, 600, "chargeback #12", T0, Ct);
        Assert.Equal(new DeductionResult(DeductionOutcome.Deducted, 100), done);

        // 100 available, 300 held: the held credits are not touched.
        Assert.Equal(new DeductionResult(DeductionOutcome.InsufficientCredits, 100), await Store.Admin.DeductAsync(AccountId, 101, "too much", T0, Ct));
        Assert.Equal(new DeductionResult(DeductionOutcome.AccountNotFound, 0), await Store.Admin.DeductAsync("acct_nope", 1, "x", T0, Ct));
        Assert.Equal(new DeductionResult(DeductionOutcome.Deducted, 0), await Store.Admin.DeductAsync(AccountId, 100, "rest", T0, Ct));

        var balance = await Store.Ledger.GetBalanceAsync(AccountId, Ct);
        Assert.Equal(0, balance.Available);
        Assert.Equal(300, balance.Reserved);
        Assert.Equal(0, await Store.Ledger.RecomputeAvailableAsync(AccountId, Ct));

        // The hold settles as before: a deduction does not disturb reservations.
        await Store.Ledger.SettleAsync(held!.Id, 100, Ct);
        Assert.Equal(200, (await Store.Ledger.GetBalanceAsync(AccountId, Ct)).Available);
        Assert.Equal(200, await Store.Ledger.RecomputeAvailableAsync(AccountId, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Admin.DeductAsync(AccountId, 0, "zero", T0, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Admin.DeductAsync(AccountId, long.MaxValue, "huge", T0, Ct));
    }

    [ContractFact]
    public async Task Tasks_are_searched_by_id_account_prompt_or_account_name_filtered_and_paged()
    {
        var beta = (await Store.Accounts.CreateAccountAsync("Beta Studio", 1000, Ct)).Id;
        var fox = await SubmitAsync(AccountId, "model-a", T0, "a red fox in snow");
        var cat = await SubmitAsync(AccountId, "model-b", T0 + 1_000, "a cat, 50% off_sale");
        var owl = await SubmitAsync(beta, "model-a", T0 + 2_000, "an owl");
        var dog = await SubmitAsync(beta, "model-b", T0 + 2_000, "a dog");

        AdminTaskQuery Q(string? search = null, string? status = null, string? model = null, string? account = null, long? from = null, long? to = null, int limit = 50, string? after = null) =>
            new(search, status, model, account, from, to, limit, after);
        async Task<List<string>> Ids(AdminTaskQuery q) => [.. (await Store.Admin.SearchTasksAsync(q, Ct)).Data.Select(t => t.Id)];

        var newestTwo = new[] { owl, dog }.Order(StringComparer.Ordinal).Reverse().ToList();
        Assert.Equal([.. newestTwo, cat, fox], await Ids(Q()));
        Assert.Equal([fox], await Ids(Q(fox)));
        Assert.Equal([cat, fox], await Ids(Q(AccountId)));
        Assert.Equal([fox], await Ids(Q("RED FOX")));
        Assert.Equal([cat], await Ids(Q("50% off_")));
        Assert.Equal(newestTwo, await Ids(Q("studio")));
        Assert.Equal([owl, fox], await Ids(Q(model: "model-a")));
        Assert.Equal([cat], await Ids(Q(account: AccountId, model: "model-b")));
        Assert.Equal([cat], await Ids(Q(from: T0 + 1, to: T0 + 2_000)));
        Assert.Empty(await Ids(Q(status: "succeeded")));
        Assert.Equal(4, (await Store.Admin.SearchTasksAsync(Q(status: "pending"), Ct)).Total);

        // Pages of one: the two tasks of the same millisecond are neither skipped nor repeated.
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await Store.Admin.SearchTasksAsync(Q(limit: 1, after: after), Ct);
            Assert.Equal(4, page.Total);
            seen.AddRange(page.Data.Select(t => t.Id));
            after = page.HasMore ? page.Data[^1].Id : null;
        }
        while (after is not null);
        Assert.Equal([.. newestTwo, cat, fox], seen);
    }

    [ContractFact]
    public async Task The_task_search_shows_each_task_with_its_account_request_credits_and_image_counts_newest_first()
    {
        var beta = (await Store.Accounts.CreateAccountAsync("beta", 1000, Ct)).Id;
        var ended = await SubmitTaskAsync(AccountId, "model-a", 2, 45, T0, prompt: "a red fox");
        await FinishTaskAsync(ended, AccountId, made: 1, T0 + 500);
        var pending = await SubmitTaskAsync(AccountId, "model-a", 1, 45, T0 + 1_000);
        var other = await SubmitTaskAsync(beta, "model-b", 1, 45, T0 + 2_000);

        AdminTaskQuery Q(string? status = null, string? account = null, int limit = 50) => new(null, status, null, account, null, null, limit, null);
        async Task<List<string>> Ids(AdminTaskQuery q) => [.. (await Store.Admin.SearchTasksAsync(q, Ct)).Data.Select(t => t.Id)];

        var all = (await Store.Admin.SearchTasksAsync(Q(), Ct)).Data;
        Assert.Equal([other, pending, ended], all.Select(t => t.Id));
        Assert.Equal(
            new AdminTaskRow(ended, AccountId, "alpha", "model-a", "partially_succeeded", 2, 90, 45, 45, null, null, T0, T0 + 500, "a red fox", "16:9", "2K", 1, 1),
            all[2]);
        Assert.Equal(
            new AdminTaskRow(other, beta, "beta", "model-b", "pending", 1, 45, 0, 0, null, null, T0 + 2_000, null, "a cat", "16:9", "2K", 0, 0),
            all[0]);

        Assert.Equal([pending, ended], await Ids(Q(account: AccountId)));
        Assert.Equal([other, pending], await Ids(Q(status: "pending")));
        Assert.Equal([other], await Ids(Q(limit: 1)));
    }

    [ContractFact]
    public async Task A_re_sent_webhook_is_a_new_due_message_in_the_outbox_listed_with_the_task()
    {
        var task = await SubmitAsync(AccountId, "model-a", T0, "x");
        Assert.Empty(await Store.Admin.ListWebhookDeliveriesAsync(task, Ct));
        var first = await Store.Admin.EnqueueWebhookAsync(AccountId, task, "https://example.com/a", "{\"a\":1}", T0, T0 + 60_000, Ct);
        var second = await Store.Admin.EnqueueWebhookAsync(AccountId, task, "https://example.com/a", "{\"a\":2}", T0 + 1, T0 + 60_000, Ct);
        Assert.NotEqual(first, second);
        var listed = await Store.Admin.ListWebhookDeliveriesAsync(task, Ct);
        Assert.Equal([first, second], listed.Select(d => d.Id));
        Assert.All(listed, d => Assert.Equal(("pending", 0L), (d.Status, d.Attempts)));

        // The dispatcher's claim sees them (the outbox is the one the dispatcher reads).
        var claim = await Store.Outbox.ClaimAsync(T0 + 2, T0 + 30_000, 10, Ct);
        Assert.Equal(2, claim.Claimed.Count);
    }

    [ContractFact]
    public async Task The_audit_log_keeps_every_entry_newest_first_filters_by_target_and_pages()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.Admin.AppendAuditAsync(new NewAuditEntry(T0 + i, "admin:abc", "account.rename", i % 2 == 0 ? "acct_a" : "acct_b", $$"""{"i":{{i}}}""", "127.0.0.1"), Ct);
        }

        await Store.Admin.AppendAuditAsync(new NewAuditEntry(T0 + 9, "cli", "key.revoke", null, null, null), Ct);
        var page = await Store.Admin.ListAuditAsync(null, 4, null, Ct);
        Assert.Equal(6, page.Total);
        Assert.True(page.HasMore);
        Assert.Equal(new AuditEntry(page.Data[0].Id, T0 + 9, "cli", "key.revoke", null, null, null), page.Data[0]);
        var rest = await Store.Admin.ListAuditAsync(null, 4, page.Data[^1].Id, Ct);
        Assert.False(rest.HasMore);
        Assert.Equal(["{\"i\":1}", "{\"i\":0}"], rest.Data.Select(e => e.Detail));

        var a = await Store.Admin.ListAuditAsync("acct_a", 50, null, Ct);
        Assert.Equal(3, a.Total);
        Assert.All(a.Data, e => Assert.Equal("acct_a", e.Target));
    }
}
