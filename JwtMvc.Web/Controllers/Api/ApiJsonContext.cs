using System.Text.Json;
using System.Text.Json.Serialization;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>
/// Source-generated JSON for the answers of the hottest endpoints (GET /api/me, sign-in and refresh): no reflection
/// or emitted code to build at start, and the serializer's fast path on every request. Other types fall through to the
/// default resolver; the options are the web defaults the API uses everywhere.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(SessionTokenResponse))]
[JsonSerializable(typeof(OAuthTokenResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
