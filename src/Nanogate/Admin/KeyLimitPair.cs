using System.Text.Json.Nodes;
using Nanogate.Hosting;

namespace Nanogate.Admin;

/// <summary>
/// A key control the admin API takes as an object of two nullable whole numbers (<c>rate_limit</c>
/// {requests_per_minute, images_per_minute}, <c>spend_cap</c> {daily, monthly}), read by one set of rules: the field
/// not sent keeps both values, null clears both, and in a sent object a member not sent keeps its value and null clears it.
/// </summary>
/// <param name="Name">The body field.</param>
/// <param name="First">The first member.</param>
/// <param name="Second">The second member.</param>
/// <param name="Placeholder">What a member holds, as the shape error shows it (<c>n</c>, <c>credits</c>).</param>
/// <param name="Unit">What follows "a whole number" in the range error (empty, or " of credits").</param>
/// <param name="Max">The largest value a member may have (the smallest is 1).</param>
/// <param name="NoneMeans">What null means, after "or null for no" (<c>limit</c>, <c>cap</c>).</param>
internal sealed record KeyLimitPair(string Name, string First, string Second, string Placeholder, string Unit, long Max, string NoneMeans)
{
    /// <summary>
    /// Reads the field from <paramref name="body"/> over <paramref name="current"/>: a 400 naming the field or the
    /// member that is wrong, or null with the new values in <paramref name="value"/>.
    /// </summary>
    public IResult? Read(JsonObject body, (long? First, long? Second) current, out (long? First, long? Second) value)
    {
        value = current;
        if (!body.ContainsKey(Name))
        {
            return null;
        }

        if (body[Name] is null)
        {
            value = (null, null);
            return null;
        }

        if (body[Name] is not JsonObject pair)
        {
            return ApiError.Invalid($"{Name} must be an object {{\"{First}\": {Placeholder}, \"{Second}\": {Placeholder}}} (either may be null) or null.", Name);
        }

        foreach (var member in pair.Select(p => p.Key).Where(k => k != First && k != Second))
        {
            return ApiError.Invalid($"{Name} has no field {member}: use {First} and {Second}.", Name + "." + member);
        }

        if (ReadMember(pair, First, current.First, out var first) is { } firstError)
        {
            return firstError;
        }

        if (ReadMember(pair, Second, current.Second, out var second) is { } secondError)
        {
            return secondError;
        }

        value = (first, second);
        return null;
    }

    private IResult? ReadMember(JsonObject pair, string member, long? current, out long? value)
    {
        value = current;
        if (!pair.ContainsKey(member))
        {
            return null;
        }

        if (!JsonBody.TryGetInteger(pair, member, out var v, out var error))
        {
            return error;
        }

        if (v is { } n && (n < 1 || n > Max))
        {
            return ApiError.Invalid($"{Name}.{member} must be a whole number{Unit} from 1 to {Max}, or null for no {NoneMeans}.", Name + "." + member);
        }

        value = v;
        return null;
    }
}
