/**
 * The message the try-it read page opens with: sent from Thunderbird through Postfix to Gmail, as Gmail's MX
 * received it (before Google's internal `by 2002:… with SMTP` hand-off, which docs/received-headers.md counts as a
 * plain hop).
 */
export const SAMPLE_RECEIVED = [
  'Received: from mail.example.gov (mail.example.gov. [192.0.2.25])',
  '        by mx.google.com with ESMTPS id a1-20020a05600c4e0100b0040b3e0a1234si987654wmq.12.2026.12.01.06.12.08',
  '        for <reader@gmail.com>',
  '        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);',
  '        Tue, 01 Dec 2026 06:12:09 -0800 (PST)',
  'Received: from [10.1.2.3] (laptop.example.gov [10.1.2.3])',
  '\t(Authenticated sender: sam)',
  '\tby mail.example.gov (Postfix) with ESMTPSA id 4Qx7Lm2bXyz9;',
  '\tTue,  1 Dec 2026 15:12:07 +0100 (CET)',
  'From: Sam Sender <sam@example.gov>',
  'To: reader@gmail.com',
  'Subject: Your refund',
  'Date: Tue, 1 Dec 2026 15:12:05 +0100',
  'Message-ID: <3f1c2a@example.gov>',
  '',
].join('\r\n');
