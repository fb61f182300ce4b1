namespace Nanogate.IntegrationTests.Storage;

public sealed class AccountSettingsTests : SqliteStoreTest
{
    [Fact]
    public async Task A_setting_is_added_once_and_later_candidates_get_the_stored_value()
    {
        Assert.Equal("first", await Accounts.GetOrAddSettingAsync("some_key", "first", CancellationToken.None));
        Assert.Equal("first", await Accounts.GetOrAddSettingAsync("some_key", "second", CancellationToken.None));
        Assert.Equal("first", await Accounts.GetSettingAsync("some_key", CancellationToken.None));
    }

    [Fact]
    public async Task The_webhook_secret_is_replaced_for_an_existing_account_only()
    {
        Assert.True(await Accounts.SetWebhookSecretAsync(AccountId, "whsec_new", CancellationToken.None));
        Assert.Equal("whsec_new", (await Accounts.GetAccountAsync(AccountId, CancellationToken.None))!.WebhookSecret);
        Assert.False(await Accounts.SetWebhookSecretAsync("acct_missing", "whsec_other", CancellationToken.None));
    }
}
