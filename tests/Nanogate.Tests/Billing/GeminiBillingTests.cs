using Nanogate.Core.Billing;
using Nanogate.Core.Catalog;

namespace Nanogate.Tests.Billing;

public class GeminiBillingTests
{
    private static readonly ModelInfo Lite = ModelCatalog.Default.Find("nano-banana-2-lite")!;

    [Fact]
    public void A_1K_lite_image_with_a_short_prompt_settles_at_its_catalog_price() =>
        Assert.Equal(45, GeminiBilling.Settle(Lite, promptTokens: 9, textOutputTokens: 8, imageOutputTokens: 1120));

    [Fact]
    public void Worst_case_covers_the_whole_output_limit_at_the_dearest_rate()
    {
        var worst = GeminiBilling.WorstCase(Lite, promptChars: 100, inputImages: 2);
        var everything = GeminiBilling.Settle(Lite, 100 + (2 * GeminiBilling.WorstCaseTokensPerInputImage), 0, Lite.OutputTokenLimit);
        Assert.True(worst >= everything);
        Assert.True(worst >= Lite.PriceFor(ImageSize.Size1K) * 3);
    }

    [Fact]
    public void Nothing_produced_costs_nothing() => Assert.Equal(0, GeminiBilling.Settle(Lite, 0, 0, 0));
}
