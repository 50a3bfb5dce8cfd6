import { parseReceived } from '../../../src/core/received';

/** `tls`, `version`, `cipher` of one field, the facts each notation must yield. */
const tlsOf = (value: string) => {
  const { tls, version, cipher } = parseReceived(value);
  return { tls, version, cipher };
};

describe('parseReceived: RFC 5321 §4.4 clauses', () => {
  test('from, by, with, id, for and the date of a Postfix field', () => {
    const hop = parseReceived(
      'from smtp.sender.example (smtp.sender.example [192.0.2.25])\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))\tby mx.recipient.example (Postfix) with ESMTPS id 4Q1aBd0Lmn\tfor <bob@recipient.example>; Mon, 30 Nov 2026 10:02:03 +0000 (UTC)',
    );
    expect(hop).toMatchObject({
      from: 'smtp.sender.example',
      by: 'mx.recipient.example',
      with: 'ESMTPS',
      id: '4Q1aBd0Lmn',
      for: 'bob@recipient.example',
      fromAddress: '192.0.2.25',
      date: '2026-11-30T10:02:03Z',
      dateRaw: 'Mon, 30 Nov 2026 10:02:03 +0000 (UTC)',
      tls: 'tls1.2',
      version: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
    });
  });

  test('a client whose HELO is a clause keyword does not shift the clauses', () => {
    const hop = parseReceived(
      'from by (x.example [192.0.2.1]) by mx.example with ESMTP id A1; 1 Jan 2026 00:00:00 +0000',
    );
    expect(hop).toMatchObject({ from: 'by', by: 'mx.example', with: 'ESMTP', tls: 'plain' });
  });

  test('clause keywords and protocol words are case-insensitive', () => {
    expect(
      parseReceived(
        'FROM a (a [192.0.2.1]) BY b.example WITH EsMtPs ID X FOR <c@b.example>; 1 Jan 2026 00:00:00 +0000',
      ),
    ).toMatchObject({ from: 'a', by: 'b.example', with: 'EsMtPs', id: 'X', for: 'c@b.example', tls: 'tls' });
  });

  test('an id in angle brackets (Oracle Communications Messaging Server, iCloud)', () => {
    expect(
      parseReceived(
        'from [10.0.0.2] (unknown [192.0.2.1]) by ms12.mac.example (Oracle Communications Messaging Server 8.1.0.1.20190704 64bit (built Jul 4 2019)) with ESMTPSA id <0PY1A2B3C@ms12.mac.example> for bob@b.example; 1 Jan 2026 00:00:00 +0000',
      ),
    ).toMatchObject({ id: '0PY1A2B3C@ms12.mac.example', for: 'bob@b.example', tls: 'tls' });
  });

  test('Exim writes the recipient without angle brackets', () => {
    expect(
      parseReceived('from a ([192.0.2.1]) by b with esmtp id X for c@d.example; 1 Jan 2026 00:00:00 +0000')
        .for,
    ).toBe('c@d.example');
  });
});

describe('parseReceived: TLS notations per MTA', () => {
  test.each([
    [
      'Postfix',
      'from a (a [192.0.2.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) by b (Postfix) with ESMTPS id X',
      { tls: 'tls1.3', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    ],
    [
      'Exim 4.92+',
      'from a ([192.0.2.1]:40000) by b with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <x@a>) id 1r-0',
      { tls: 'tls1.3', version: 'TLS1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    ],
    [
      'Exim with OpenSSL, before 4.92',
      'from a ([192.0.2.1]) by b with esmtps (TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256) (Exim 4.89) id 1r-0',
      { tls: 'tls1.2', version: 'TLS1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
    ],
    [
      'Sendmail',
      'from a (a [192.0.2.1]) by b (8.17.1/8.17.1) with ESMTPS id 0A (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT) for <x@b>',
      { tls: 'tls1.3', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    ],
    [
      'Microsoft 365',
      'from a (192.0.2.1) by b.mail.protection.outlook.com (10.0.0.1) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1.1 via Frontend Transport',
      { tls: 'tls1.2', version: 'TLS1_2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
    ],
    [
      'Gmail',
      'from a (a. [192.0.2.1]) by mx.google.com with ESMTPS id x.1 for <b@gmail.com> (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128)',
      { tls: 'tls1.3', version: 'TLS1_3', cipher: 'TLS_AES_128_GCM_SHA256' },
    ],
    [
      'OpenSMTPD',
      'from a (a [192.0.2.1]) by b (OpenSMTPD) with ESMTPS id 1a (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) for <x@b>',
      { tls: 'tls1.3', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    ],
    [
      'Haraka',
      'from a (a [192.0.2.1]) by b (Haraka/3.0.3) with ESMTPS id 5C.1 envelope-from <x@a> (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384)',
      { tls: 'tls1.3', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    ],
    [
      'Courier',
      'from a (a [::ffff:192.0.2.1]) (TLS: TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384) by b with ESMTPS',
      { tls: 'tls1.2', version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
    ],
    [
      'qmail TLS patch',
      'from a (HELO a) (192.0.2.1) by b with (ECDHE-RSA-AES256-GCM-SHA384 encrypted) SMTP',
      { tls: 'tls', version: null, cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
    ],
    [
      'Exchange 2010',
      'from a (10.0.0.2) by b (10.0.0.1) with Microsoft SMTP Server (TLS) id 14.3.498.0',
      { tls: 'tls', version: null, cipher: null },
    ],
    [
      'Exchange without TLS',
      'from a (10.0.0.2) by b (10.0.0.1) with Microsoft SMTP Server id 14.3.498.0',
      { tls: 'plain', version: null, cipher: null },
    ],
    [
      'Postini',
      'from source ([192.0.2.254]) (using TLSv1) by exprod5mx1.postini.example',
      { tls: 'tls1.0', version: 'TLSv1', cipher: null },
    ],
    [
      'SSLv3 is encryption without a TLS version',
      'from a (a [192.0.2.1]) (using SSLv3 with cipher RC4-SHA (128/128 bits)) by b (Postfix) with ESMTPS id X',
      { tls: 'tls', version: 'SSLv3', cipher: 'RC4-SHA' },
    ],
    [
      "OpenSSL's TLSv1/SSLv3 names a cipher family, not a version",
      'from a (a [192.0.2.1]) by b with ESMTPS id X (version=TLSv1/SSLv3 cipher=AES256-SHA verify=NO)',
      { tls: 'tls', version: 'TLSv1/SSLv3', cipher: 'AES256-SHA' },
    ],
    [
      'OpenSMTPD with verify= after the bits',
      'from a (a [192.0.2.1]) by b (OpenSMTPD) with ESMTPS id 1a (TLSv1.3:TLS_AES_256_GCM_SHA384:256 verify=NO) for <x@b>',
      { tls: 'tls1.3', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    ],
    [
      "Exim's log notation copied into the header",
      'from a ([192.0.2.1]) by b with esmtps X=TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256 (Exim 4.86) id 1r-0',
      { tls: 'tls1.2', version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
    ],
    [
      'Exim with GnuTLS and TLS 1.3',
      'from a ([192.0.2.1]) by b with esmtps (TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM:256) (Exim 4.94) id 1r',
      { tls: 'tls1.3', version: 'TLS1.3', cipher: 'ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM' },
    ],
    [
      'qpsmtpd: the cipher between with and the protocol',
      'from a (HELO a) (192.0.2.1) by b (qpsmtpd/0.94) with (TLS_AES_256_GCM_SHA384 encrypted) ESMTPS',
      { tls: 'tls', version: null, cipher: 'TLS_AES_256_GCM_SHA384' },
    ],
    [
      'a version and cipher between with and a plain-looking protocol word',
      'from a (HELO a) (192.0.2.1) by b with (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256 encrypted) esmtp',
      { tls: 'tls1.2', version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
    ],
    [
      "Haraka 3: RFC 8314 §4.3's tls clause, cipher only",
      'from a (a [192.0.2.1]) by b (Haraka/3.0.3) with ESMTPS id 5C.1 envelope-from <x@a> tls TLS_AES_256_GCM_SHA384',
      { tls: 'tls', version: null, cipher: 'TLS_AES_256_GCM_SHA384' },
    ],
    [
      'Mimecast: with ESMTP with STARTTLS',
      'from a (a [192.0.2.1]) by relay.mimecast.com with ESMTP with STARTTLS (version=TLSv1.2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id us-mta-1',
      { tls: 'tls1.2', version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
    ],
    [
      'Proofpoint (sendmail 8.18) receiving over TLS',
      'from a (a [192.0.2.1]) by mx0a-00112233.pphosted.com (8.18.1.2/8.18.1.2) with ESMTPS id 4AB (version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NOT) for <x@b>',
      { tls: 'tls1.2', version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
    ],
    [
      'Proofpoint (PPS) recording RFC 3848 only',
      'from a (a [192.0.2.1]) by mx0b-00112233.pphosted.com (PPS) with ESMTPS id 3xy for <x@b>',
      { tls: 'tls', version: null, cipher: null },
    ],
    [
      'a version alone in a comment beside the protocol',
      'from a (a [192.0.2.1]) by b (Kerio Connect 9.4) with ESMTPS (TLS1.2) id X',
      { tls: 'tls1.2', version: 'TLS1.2', cipher: null },
    ],
    [
      'a bare (TLS) beside the protocol records TLS, not a version',
      'from a ([192.0.2.1]) by b (MDaemon PRO v23.0.2) with ESMTP (TLS) id md5000',
      { tls: 'tls', version: null, cipher: null },
    ],
    [
      'Exchange with a version spelled without a separator',
      'from a (192.0.2.1) by b (10.0.0.1) with Microsoft SMTP Server (version=TLS12, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.1',
      { tls: 'tls1.2', version: 'TLS12', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
    ],
    [
      'Broadcom Email Security.cloud: the cipher before the protocol, no parentheses',
      'from unknown (HELO mail.sender.example) (192.0.2.1) by server-7.tower-426.messagelabs.com with ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP',
      { tls: 'tls', version: null, cipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
    ],
    [
      'MailEnable names itself before the keyword',
      'from laptop ([192.0.2.1]) by mail.example with MailEnable ESMTPA',
      { tls: 'plain', version: null, cipher: null },
    ],
    [
      "IIS's SMTPSVC never records TLS",
      'from a ([192.0.2.1]) by b.corp.example with Microsoft SMTPSVC(6.0.3790.4675)',
      { tls: 'unknown', version: null, cipher: null },
    ],
  ])('%s', (_writer, value, expected) => {
    expect(tlsOf(`${value}; Mon, 30 Nov 2026 10:02:03 +0000`)).toEqual(expected);
  });

  test('a TLS comment a customised sendmail puts after the date still counts', () => {
    expect(
      tlsOf(
        'from a (a [192.0.2.1]) by b (8.17.1/8.17.1) with ESMTPS id 0A; Mon, 30 Nov 2026 10:02:03 GMT (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)',
      ),
    ).toEqual({ tls: 'tls1.3', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' });
  });
});

describe('parseReceived: RFC 3848 and other with keywords', () => {
  test.each([
    ['ESMTP', 'plain'],
    ['ESMTPA', 'plain'],
    ['SMTP', 'plain'],
    ['esmtp', 'plain'],
    ['UTF8SMTP', 'plain'],
    ['UTF8SMTPA', 'plain'],
    ['ESMTPS', 'tls'],
    ['ESMTPSA', 'tls'],
    ['esmtpsa', 'tls'],
    ['UTF8SMTPS', 'tls'],
    ['UTF8SMTPSA', 'tls'],
    ['LMTPS', 'tls'],
    ['LMTPSA', 'tls'],
    ['LMTPA', 'plain'],
    ['UTF8LMTP', 'plain'],
    ['UTF8LMTPA', 'plain'],
    ['UTF8LMTPS', 'tls'],
    ['UTF8LMTPSA', 'tls'],
    ['utf8smtps', 'tls'],
    ['EsMtPsA', 'tls'],
    ['HTTPREST', 'unknown'],
    ['SMTPS', 'tls'],
    ['HTTPS', 'tls'],
    ['HTTP', 'unknown'],
    ['mapi', 'unknown'],
    ['XYZZY', 'unknown'],
    ['local', 'local'],
    ['local-esmtp', 'local'],
    ['stdio', 'local'],
    ['SpamAssassin', 'local'],
    ['qmail-scanner-2.11', 'local'],
    ['MailEnable ESMTPS', 'tls'],
  ])('with %s → %s', (protocol, tls) => {
    expect(
      parseReceived(`from a (a [192.0.2.1]) by b with ${protocol} id X; 1 Jan 2026 00:00:00 +0000`).tls,
    ).toBe(tls);
  });

  test('LMTP without an address is local delivery; LMTP from a network address is a plain network hop', () => {
    expect(
      parseReceived('from mx.example by imap.example with LMTP id X; 1 Jan 2026 00:00:00 +0000').tls,
    ).toBe('local');
    expect(
      parseReceived('from mx (LHLO mx) (192.0.2.60) by store with LMTP; 1 Jan 2026 00:00:00 +0000').tls,
    ).toBe('plain');
    expect(parseReceived('from mx (mx [127.0.0.1]) by store with LMTP; 1 Jan 2026 00:00:00 +0000').tls).toBe(
      'local',
    );
    expect(
      parseReceived('from mx.example by imap.example with LMTPS id X; 1 Jan 2026 00:00:00 +0000').tls,
    ).toBe('local');
    expect(
      parseReceived(
        'from mx.example ([192.0.2.60]) by imap.example with LMTPSA id X; 1 Jan 2026 00:00:00 +0000',
      ).tls,
    ).toBe('tls');
  });

  test.each([
    ['Postfix pickup', 'by mx.example (Postfix, from userid 1000) id 4Q1'],
    ['a bounce Postfix made itself', 'by mx.example (Postfix) id 4Q2'],
    ["sendmail's submission program", '(from ann@localhost) by h (8.15.2/8.15.2/Submit) id 0A'],
    ['qmail-inject', '(qmail 4821 invoked by uid 89)'],
    ['qmail-queue behind qmail-smtpd', '(qmail 9932 invoked from network)'],
    ['nullmailer', '(nullmailer pid 3318 invoked by uid 1000)'],
    ['sSMTP', 'by laptop.example (sSMTP sendmail emulation)'],
  ])('a local hand-off that names neither peer nor protocol: %s', (_shape, value) => {
    expect(parseReceived(`${value}; 1 Jan 2026 00:00:00 +0000`).tls).toBe('local');
  });

  test.each([
    ['Gmail internal SMTP', 'by 2002:a05:6358:5e0b::1 with SMTP id d11csp1234567rwb', 'plain'],
    ['ESMTP', 'by relay.example with ESMTP id X', 'plain'],
    [
      'ESMTPA (Yahoo Hermes)',
      'by hermes--production-bf1-1.example (Yahoo Inc. Hermes SMTP Server) with ESMTPA ID 2b8',
      'plain',
    ],
    ['ESMTPS', 'by relay.example with ESMTPS id X', 'tls'],
    ['ESMTPSA', 'by smtp.example with ESMTPSA id X', 'tls'],
    ['HTTP', 'by 10.0.0.1 with HTTP', 'unknown'],
    ['HTTPREST (Gmail API)', 'by gmailapi.google.com with HTTPREST', 'unknown'],
    ['mapi', 'by EXCH01.corp.example with mapi id 15.20.1.1', 'unknown'],
    ['LMTP without an address', 'by imap.example with LMTP id X', 'local'],
    ['Exim local submission', 'by web.example with local (Exim 4.96) id 1r', 'local'],
  ])('without a from clause the protocol word decides: %s', (_case, value, tls) => {
    expect(parseReceived(`${value}; 1 Jan 2026 00:00:00 +0000`).tls).toBe(tls);
  });

  test('a field without a with clause or a TLS record is unknown, not plain', () => {
    expect(parseReceived('from a (a [192.0.2.1]) by b; 1 Jan 2026 00:00:00 +0000').tls).toBe('unknown');
  });
});

describe('parseReceived: loopback hand-offs, whatever the HELO name claims', () => {
  test.each([
    [
      'content filter on 127.0.0.1 saying HELO mail.partner.example',
      'from mail.partner.example ([127.0.0.1]) by filter (amavis) with ESMTP id Q',
      'local',
    ],
    ['any address in 127.0.0.0/8', 'from x (x [127.3.2.1]) by b (Postfix) with ESMTP id Q', 'local'],
    [
      'IPv6 loopback in Postfix notation',
      'from localhost (localhost [IPv6:::1]) by b (Postfix) with ESMTP id Q',
      'local',
    ],
    ['IPv6 loopback, long form', 'from x ([0:0:0:0:0:0:0:1]) by b with ESMTP', 'local'],
    [
      'IPv4-mapped loopback (Courier)',
      'from localhost (localhost [::ffff:127.0.0.1]) by b with ESMTP',
      'local',
    ],
    [
      'Exim: address as the from domain beside helo=',
      'from [127.0.0.1] (port=44112 helo=mx.example) by mx.example with esmtp (Exim 4.96) id 1r',
      'local',
    ],
    [
      'OpenSMTPD Unix socket',
      'from localhost (mx.example [local]) by mx.example (OpenSMTPD) with ESMTP id 7a',
      'local',
    ],
    [
      'loopback over TLS is still local',
      'from a (a [127.0.0.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by b (Postfix) with ESMTPS id Q',
      'local',
    ],
    [
      'HELO localhost from a public address',
      'from localhost (attacker.example [203.0.113.66]) by b (Postfix) with ESMTP id Q',
      'plain',
    ],
    [
      'HELO [127.0.0.1] from a public address',
      'from [127.0.0.1] (unknown [203.0.113.66]) by b (Postfix) with ESMTP id Q',
      'plain',
    ],
    [
      'Exim helo=[127.0.0.1] from a public address',
      'from [203.0.113.66] (helo=[127.0.0.1]) by b with esmtp (Exim 4.96) id 1r',
      'plain',
    ],
    [
      'qmail (HELO [127.0.0.1]) from a public address',
      'from unknown (HELO [127.0.0.1]) (203.0.113.66) by b with SMTP',
      'plain',
    ],
    [
      'Exim: the address alone as the from domain, when the HELO was that literal',
      'from [127.0.0.1] by mx.example with esmtp (Exim 4.96) id 1r',
      'local',
    ],
    [
      'a from domain literal without Exim notes is only the HELO',
      'from [127.0.0.1] by b with ESMTP',
      'plain',
    ],
    [
      'Proofpoint filter re-injecting on loopback',
      'from pps.filterd (m0148461.ppops.net [127.0.0.1]) by mx0a-00112233.pphosted.com (8.18.1.2/8.18.1.2) with ESMTP id 4AB',
      'local',
    ],
    [
      'Proofpoint re-injection with RFC 3848 TLS',
      'from pps.reinject (localhost [127.0.0.1]) by mx0a-00112233.pphosted.com (8.18.1.2/8.18.1.2) with ESMTPS id 4AC',
      'local',
    ],
    [
      'Trend Micro IMSVA handing back to its Postfix',
      'from imsva.example.com (localhost.localdomain [127.0.0.1]) by imsva.example.com (Postfix) with ESMTP id 9F1',
      'local',
    ],
    [
      'Exchange transport on its own loopback',
      'from EXCH01.corp.example (127.0.0.1) by EXCH01.corp.example (127.0.0.1) with Microsoft SMTP Server id 15.1.2507.6',
      'local',
    ],
    [
      'OpenSMTPD writes IPv6 without brackets',
      'from localhost (localhost ::1) by mx.example (OpenSMTPD) with ESMTP id 7a',
      'local',
    ],
    [
      'Cyrus LMTP on its Unix socket',
      'from mx.example ([unix socket]) by imap.example (Cyrus v3.4.2) with LMTPA',
      'local',
    ],
    ["IIS's pickup folder", 'from mail pickup service by web.corp.example with Microsoft SMTPSVC', 'local'],
    [
      'the receiving side on loopback does not make a remote client local',
      'from mx.example ([192.0.2.5]) by localhost (mx.example [127.0.0.1]) (amavis, port 10024) with ESMTP id A',
      'plain',
    ],
    [
      'Exim ident=a@127.0.0.1 is what the client said, not where it connected from',
      'from [203.0.113.5] (port=1234 helo=x ident=a@127.0.0.1) by mx with esmtp (Exim 4.96)',
      'plain',
    ],
    [
      'Exim ident= naming a bare loopback address',
      'from x.example ([203.0.113.5]:1234 helo=x ident=127.0.0.1) by mx with esmtp (Exim 4.96)',
      'plain',
    ],
    [
      'a loopback word in a comment of neither the qmail nor the OpenSMTPD shape',
      'from x (port=1234 a b 127.0.0.1) by mx with ESMTP',
      'plain',
    ],
    ['::2 is not loopback', 'from x ([::2]) by b with ESMTP', 'plain'],
    ['128.0.0.1 is not loopback', 'from x (x [128.0.0.1]) by b with ESMTP', 'plain'],
  ])('%s', (_case, value, tls) => {
    expect(parseReceived(`${value}; 1 Jan 2026 00:00:00 +0000`).tls).toBe(tls);
  });

  test('fromAddress is the address the server recorded, not the HELO', () => {
    expect(
      parseReceived('from localhost (attacker.example [203.0.113.66]) by b with ESMTP').fromAddress,
    ).toBe('203.0.113.66');
    expect(parseReceived('from a (a. [IPv6:2001:db8::1]) by b with ESMTP').fromAddress).toBe('2001:db8::1');
    expect(parseReceived('from a ([192.0.2.7]:51234 helo=b) by c with esmtp').fromAddress).toBe('192.0.2.7');
    expect(parseReceived('from a (a 2001:db8::7) by b (OpenSMTPD) with ESMTP').fromAddress).toBe(
      '2001:db8::7',
    );
    expect(
      parseReceived('from unknown (HELO a) (ann@sender.example@198.51.100.7) by b with ESMTPSA').fromAddress,
    ).toBe('198.51.100.7');
    expect(
      parseReceived('from [203.0.113.5] (port=1234 helo=x ident=a@127.0.0.1) by mx with esmtp (Exim 4.96)')
        .fromAddress,
    ).toBe('203.0.113.5');
    // A reverse name that spells an address is the client's DNS talking: the address after it decides.
    expect(parseReceived('from a (127.0.0.1 2001:db8::7) by b (OpenSMTPD) with ESMTP').tls).toBe('plain');
  });
});

describe('parseReceived: a client cannot write its own TLS record', () => {
  test.each([
    [
      'in its HELO name (Postfix notation)',
      'from x(using TLSv1.3 with cipher FAKE) (x [203.0.113.66]) by b (Postfix) with ESMTP id Q',
    ],
    [
      'in its HELO name (qmail notation)',
      'from x (HELO x(version=TLSv1.3 cipher=FAKE)) (203.0.113.66) by b with SMTP',
    ],
    ['in Exim helo=', 'from x ([203.0.113.66] helo=(TLS1.3)_tls_FAKE) by b with esmtp (Exim 4.96) id 1r'],
    [
      'in its envelope sender',
      'from x (x [203.0.113.66]) by b with esmtp (Exim 4.96) (envelope-from <"(using TLSv1.3 with cipher FAKE)"@x>) id 1r',
    ],
    [
      'in its recipient',
      'from x (x [203.0.113.66]) by b with ESMTP id Q for <"version=TLSv1.3 cipher=FAKE"@b>',
    ],
    [
      'in its SASL login',
      'from x (x [203.0.113.66]) (Authenticated sender: using TLSv1.3 with cipher FAKE) by b (Postfix) with ESMTPA id Q',
    ],
    [
      'in its HELO name (RFC 8314 notation)',
      'from tls FAKE (x [203.0.113.66]) by b (Haraka/3.0.3) with ESMTP id Q',
    ],
    ['in its HELO name (qpsmtpd notation)', 'from x (HELO (FAKE encrypted)) (203.0.113.66) by b with SMTP'],
    [
      'in a quoted envelope sender holding `>` (date comment)',
      'from x (x [203.0.113.66]) by b with ESMTP id Q; Mon, 1 Jan 2024 10:00:00 +0000 (envelope-from <"a>(using TLSv1.3 with cipher FAKE)"@evil.example>)',
    ],
    [
      'in a quoted recipient holding `>`',
      'from x (x [203.0.113.66]) by b with ESMTP id Q for <"b>(TLS1.3)"@e>',
    ],
    [
      'in a quoted envelope sender holding `)` (sendmail, no angle brackets)',
      'from x (x [203.0.113.66]) by b with ESMTP id Q; Mon, 1 Jan 2024 10:00:00 +0000 (envelope-from "a)(using TLSv1.3 with cipher FAKE)"@evil.example)',
    ],
  ])('%s', (_where, value) => {
    const field = value.includes(';') ? value : `${value}; 1 Jan 2026 00:00:00 +0000`;
    expect(tlsOf(field)).toEqual({
      tls: 'plain',
      version: null,
      cipher: null,
    });
  });
});

describe('parseReceived: malformed and truncated fields', () => {
  test.each([
    ['empty', ''],
    ['white space', ' \t '],
    ['an unclosed comment', 'from a (a [192.0.2.1] by b with ESMTPS id X; 1 Jan 2026 00:00:00 +0000'],
    ['an unclosed angle address', 'from a by b with ESMTP for <x@b; 1 Jan 2026'],
    ['an unclosed quote', 'from a "by b with ESMTP'],
    ['only a date', '; Mon, 30 Nov 2026 10:02:03 +0000'],
    ['only keywords', 'from by via with id for'],
    ['a lone backslash at the end', 'from a (x\\'],
    [
      'cut in the middle',
      'from mail.sender.example (mail.sender.example [192.0.2.25]) (using TLSv1.3 with ci',
    ],
  ])('%s gives a hop, not an exception', (_case, value) => {
    const hop = parseReceived(value);
    expect(typeof hop.tls).toBe('string');
    expect(hop.raw).toBe(value.trim());
  });

  test('a quoted local part holding `>` stays inside its angle address', () => {
    expect(parseReceived('from a (a [192.0.2.1]) by b with ESMTP for <"b>(x)"@e>; 1 Jan 2026').for).toBe(
      '"b>(x)"@e',
    );
  });

  test('an unclosed comment swallows the rest rather than inventing clauses', () => {
    const hop = parseReceived('from a (a [192.0.2.1] by b with ESMTPS id X; 1 Jan 2026 00:00:00 +0000');
    expect(hop).toMatchObject({ from: 'a', by: null, with: null, tls: 'unknown', fromAddress: '192.0.2.1' });
  });

  test('a field cut mid-way keeps what it has', () => {
    const hop = parseReceived(
      'from mail.sender.example (mail.sender.example [192.0.2.25]) by mx.recipient.example with ESMTP',
    );
    expect(hop).toMatchObject({ tls: 'plain', date: null, dateRaw: null });
  });
});
