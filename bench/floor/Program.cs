// The framework floor for GET /api/me: JwtBearer validating an HS256 token, nothing else (no database, no
// session check, no MVC). bench/load.sh measures JwtMvc against it.
//   FLOOR_KEY=<base64, 32 bytes> dotnet floor.dll --urls http://127.0.0.1:PORT
//   POST /token  -> {"access_token": "..."}  (a token for user "alice", 1 hour; the floor's "login")
//   GET  /api/me -> {id, userName} from the token's claims
//   GET  /health -> ok
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var keyText = Environment.GetEnvironmentVariable("FLOOR_KEY");
var key = new SymmetricSecurityKey(string.IsNullOrEmpty(keyText)
    ? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)
    : Convert.FromBase64String(keyText));
const string Issuer = "floor";
const string Audience = "floor";

builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
    .AddJwtBearer(o =>
    {
        o.MapInboundClaims = false;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = "name",
        };
    });
builder.Services.AddAuthorization();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

var handler = new JsonWebTokenHandler();
app.MapPost("/token", () => Results.Json(new
{
    access_token = handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Subject = new ClaimsIdentity([new Claim("sub", "floor-user-1"), new Claim("name", "alice")]),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    }),
}));

app.MapGet("/api/me", (ClaimsPrincipal u) => Results.Json(new
{
    id = u.FindFirstValue("sub"),
    userName = u.Identity?.Name,
})).RequireAuthorization();

app.MapGet("/health", () => "ok");

app.Run();
