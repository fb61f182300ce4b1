using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="IAccountStore"/>: accounts, API keys and instance settings.</summary>
public abstract class AccountStoreContract : StoreContractTest
{
    [ContractFact]
    public async Task An_account_reads_back_with_its_initial_credits_and_a_standard_webhooks_secret()
    {
        var beta = await Store.Accounts.CreateAccountAsync("beta", 250, Ct);
        var empty = await Store.Accounts.CreateAccountAsync("gamma", 0, Ct);

        Assert.Equal(beta, await Store.Accounts.GetAccountAsync(beta.Id, Ct));
        Assert.Equal(250, beta.CreditsAvailable);
        Assert.Equal(0, empty.CreditsAvailable);
        Assert.StartsWith(IAccountStore.WebhookSecretPrefix, beta.WebhookSecret, StringComparison.Ordinal);
        Assert.NotEqual(beta.WebhookSecret, empty.WebhookSecret);
        Assert.Null(await Store.Accounts.GetAccountAsync("acct_missing", Ct));
        Assert.Equal(250, (await Store.Ledger.GetBalanceAsync(beta.Id, Ct)).ToppedUp);
    }

    [ContractFact]
    public async Task Accounts_are_listed_newest_first()
    {
        var beta = await Store.Accounts.CreateAccountAsync("beta", 0, Ct);
        await Task.Delay(5); // creation times are milliseconds: make them differ
        var gamma = await Store.Accounts.CreateAccountAsync("gamma", 0, Ct);

        var listed = await Store.Accounts.ListAccountsAsync(Ct);

        Assert.Equal([gamma.Id, beta.Id, AccountId], listed.Select(a => a.Id));
    }

    [ContractFact]
    public async Task A_key_is_found_by_its_hash_only_and_revoking_it_keeps_it_listed_with_the_time()
    {
        var created = await Store.Accounts.CreateKeyAsync(AccountId, "ci", null, Ct);
        Assert.StartsWith("sk-", created.Key, StringComparison.Ordinal);
        Assert.StartsWith(created.Record.Prefix, created.Key, StringComparison.Ordinal);

        Assert.Equal(new ApiKeyLookup(created.Record, AccountDisabled: false), await Store.Accounts.FindKeyByHashAsync(Ids.HashKey(created.Key), Ct));
        Assert.Null(await Store.Accounts.FindKeyByHashAsync(created.Key, Ct));

        Assert.True(await Store.Accounts.RevokeKeyAsync(created.Record.Id, Ct));
        Assert.False(await Store.Accounts.RevokeKeyAsync("key_missing", Ct));
        var revoked = (await Store.Accounts.FindKeyByHashAsync(Ids.HashKey(created.Key), Ct))?.Key;
        Assert.NotNull(revoked!.RevokedAt);
        Assert.Equal(revoked, Assert.Single(await Store.Accounts.ListKeysAsync(AccountId, Ct)));
    }

    [ContractFact]
    public async Task A_key_lookup_says_whether_its_account_is_disabled_in_the_same_read()
    {
        var created = await Store.Accounts.CreateKeyAsync(AccountId, null, null, Ct);
        var hash = Ids.HashKey(created.Key);

        Assert.True(await Store.Admin.SetAccountDisabledAsync(AccountId, true, T0, Ct));
        Assert.Equal(new ApiKeyLookup(created.Record, AccountDisabled: true), await Store.Accounts.FindKeyByHashAsync(hash, Ct));

        // Another account's state is not this key's.
        var beta = await Store.Accounts.CreateAccountAsync("beta", 0, Ct);
        var betaKey = await Store.Accounts.CreateKeyAsync(beta.Id, null, null, Ct);
        Assert.False((await Store.Accounts.FindKeyByHashAsync(Ids.HashKey(betaKey.Key), Ct))!.AccountDisabled);

        Assert.True(await Store.Admin.SetAccountDisabledAsync(AccountId, false, T0 + 1, Ct));
        Assert.False((await Store.Accounts.FindKeyByHashAsync(hash, Ct))!.AccountDisabled);
    }

    [ContractFact]
    public async Task An_exact_key_is_stored_as_given_and_a_second_one_with_that_value_is_refused()
    {
        var created = await Store.Accounts.CreateKeyAsync(AccountId, null, "sk-demo-0123456789", Ct);

        Assert.Equal("sk-demo-0123456789", created.Key);
        Assert.Equal(created.Record.Id, (await Store.Accounts.FindKeyByHashAsync(Ids.HashKey("sk-demo-0123456789"), Ct))!.Key.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Store.Accounts.CreateKeyAsync(AccountId, null, "sk-demo-0123456789", Ct));
        Assert.Single(await Store.Accounts.ListKeysAsync(AccountId, Ct));
    }

    [ContractFact]
    public async Task A_keys_image_delivery_is_set_and_cleared_and_an_unknown_key_reports_false()
    {
        var created = await Store.Accounts.CreateKeyAsync(AccountId, null, null, Ct);

        Assert.True(await Store.Accounts.SetKeyImageDeliveryAsync(created.Record.Id, "url", Ct));
        Assert.Equal("url", (await Store.Accounts.FindKeyByHashAsync(Ids.HashKey(created.Key), Ct))!.Key.ImageDelivery);
        Assert.True(await Store.Accounts.SetKeyImageDeliveryAsync(created.Record.Id, null, Ct));
        Assert.Null((await Store.Accounts.FindKeyByHashAsync(Ids.HashKey(created.Key), Ct))!.Key.ImageDelivery);
        Assert.False(await Store.Accounts.SetKeyImageDeliveryAsync("key_missing", "inline", Ct));
    }

    [ContractFact]
    public async Task The_webhook_secret_is_replaced_for_an_existing_account_only()
    {
        Assert.True(await Store.Accounts.SetWebhookSecretAsync(AccountId, "whsec_new", Ct));
        Assert.Equal("whsec_new", (await Store.Accounts.GetAccountAsync(AccountId, Ct))!.WebhookSecret);
        Assert.False(await Store.Accounts.SetWebhookSecretAsync("acct_missing", "whsec_other", Ct));
    }

    [ContractFact]
    public async Task A_setting_is_added_once_and_later_candidates_get_the_stored_value()
    {
        Assert.Equal("first", await Store.Accounts.GetOrAddSettingAsync("some_key", "first", Ct));
        Assert.Equal("first", await Store.Accounts.GetOrAddSettingAsync("some_key", "second", Ct));
        Assert.Equal("first", await Store.Accounts.GetSettingAsync("some_key", Ct));
    }

    [ContractFact]
    public async Task A_set_setting_replaces_the_value_and_an_unknown_one_is_null()
    {
        Assert.Null(await Store.Accounts.GetSettingAsync("other_key", Ct));
        await Store.Accounts.SetSettingAsync("other_key", "one", Ct);
        await Store.Accounts.SetSettingAsync("other_key", "two", Ct);
        Assert.Equal("two", await Store.Accounts.GetSettingAsync("other_key", Ct));
    }

    [ContractFact]
    public async Task Two_instances_starting_together_agree_on_one_setting_value()
    {
        await using var second = await StartSecondInstanceAsync();

        // Many rounds of both processes racing for a fresh key: any lost update shows as a disagreement.
        for (var round = 0; round < 20; round++)
        {
            var key = $"instance_secret_{round}";
            var answers = await Task.WhenAll(
                Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? Store : second).Accounts.GetOrAddSettingAsync(key, $"candidate_{i}", Ct)));

            var agreed = Assert.Single(answers.Distinct());
            Assert.Equal(agreed, await second.Accounts.GetSettingAsync(key, Ct));
        }
    }

    [ContractFact]
    public async Task A_key_revoked_by_one_instance_is_seen_revoked_by_another()
    {
        await using var second = await StartSecondInstanceAsync();
        var created = await Store.Accounts.CreateKeyAsync(AccountId, null, null, Ct);
        Assert.Null((await second.Accounts.FindKeyByHashAsync(Ids.HashKey(created.Key), Ct))!.Key.RevokedAt);

        Assert.True(await second.Accounts.RevokeKeyAsync(created.Record.Id, Ct));

        Assert.NotNull((await Store.Accounts.FindKeyByHashAsync(Ids.HashKey(created.Key), Ct))!.Key.RevokedAt);
    }
}
