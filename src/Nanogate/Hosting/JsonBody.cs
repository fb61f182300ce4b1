using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nanogate.Hosting;

/// <summary>Reads a JSON object body with errors that say what to fix (never a bare 400 or a 500).</summary>
public static class JsonBody
{
    /// <summary>The body as an object, or the error to answer.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpContext context, bool allowEmpty = false)
    {
        try
        {
            if (allowEmpty && context.Request.ContentLength is 0 or null && context.Request.Headers.TransferEncoding.Count == 0)
            {
                return (new JsonObject(), null);
            }

            var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return node is JsonObject obj
                ? (obj, null)
                : (null, ApiError.Invalid("The request body must be a JSON object."));
        }
        catch (JsonException e)
        {
            return (null, ApiError.Invalid($"The request body is not valid JSON: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, RequestLimits.TooLarge(context, (_, message) => ApiError.Result(413, "request_too_large", message)));
        }
    }

    /// <summary>An optional string property; a wrong type is an error naming the field.</summary>
    public static bool TryGetString(JsonObject body, string name, out string? value, out IResult? error)
    {
        value = null;
        error = null;
        if (body[name] is not JsonNode node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            error = ApiError.Invalid($"{name} must be a string.", name);
            return false;
        }

        value = node.GetValue<string>();
        return true;
    }

    /// <summary>An optional integer property; strings, fractions and other types are errors naming the field.</summary>
    public static bool TryGetInteger(JsonObject body, string name, out long? value, out IResult? error)
    {
        value = null;
        error = null;
        if (body[name] is not JsonNode node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out var v))
        {
            if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
            {
                value = (long)d;
                return true;
            }

            error = ApiError.Invalid($"{name} must be a plain integer (e.g. 2), not {Describe(node)}.", name);
            return false;
        }

        value = v;
        return true;
    }

    /// <summary>An optional decimal number property.</summary>
    public static bool TryGetDecimal(JsonObject body, string name, out decimal? value, out IResult? error)
    {
        value = null;
        error = null;
        if (body[name] is not JsonNode node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<decimal>(out var v))
        {
            error = ApiError.Invalid($"{name} must be a number, not {Describe(node)}.", name);
            return false;
        }

        value = v;
        return true;
    }

    /// <summary>A short description of a JSON value's kind for messages.</summary>
    public static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a fraction",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
